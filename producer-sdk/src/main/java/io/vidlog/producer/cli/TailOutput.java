package io.vidlog.producer.cli;

import io.vidlog.media.mkv.MkvHandler;
import io.vidlog.media.mkv.MkvReader;
import io.vidlog.media.mkv.TrackEntry;
import io.vidlog.producer.Checkpoint;
import io.vidlog.producer.CheckpointStore;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code tail --out FILE --checkpoint CP}: an MKV file and the reader's checkpoint kept together, so
 * that every frame is in the file exactly once across stops, crashes and cut connections (the
 * {@link CheckpointStore} contract: the application's output and the checkpoint made durable
 * together). Each checkpoint is saved with the length the file had when its frame was written
 * (forced to disk first); a restart cuts the file back to that length, dropping any frame written
 * after the last checkpoint (it is delivered again), and continues the file from there.
 *
 * <p>The checkpoint file holds, one per line: a format line, the output file's path, the
 * checkpoint ({@link Checkpoint#render()}, or {@code none} before the first), the output length and
 * where its last Segment starts. It is written before the output is first opened, so a crash before
 * the first checkpoint leaves an output the next run recognises as its own and starts over. It
 * is replaced atomically (written beside, forced, renamed), as {@link CheckpointStore#file} does.
 * The checkpoints given to {@link #save} must be those of frames already written: put
 * {@link MkvTailWriter#checkpoints} in front of it.
 */
final class TailOutput implements CheckpointStore, AutoCloseable {
  private static final String FORMAT = "vidlog-tail-output 1";
  /** The checkpoint line before the first checkpoint. */
  private static final String NONE = "none";

  private final Path checkpointFile;
  private final Path output;
  private final RandomAccessFile file;
  private final OutputStream stream;
  private final MkvOutput mkv;
  private final List<TrackEntry> resumedTracks;
  private Checkpoint checkpoint;

  private TailOutput(Path checkpointFile, Path output, RandomAccessFile file, MkvOutput mkv, Checkpoint checkpoint,
      List<TrackEntry> tracks, OutputStream stream) {
    this.checkpointFile = checkpointFile;
    this.output = output;
    this.file = file;
    this.mkv = mkv;
    this.checkpoint = checkpoint;
    this.stream = stream;
    this.resumedTracks = List.copyOf(tracks);
  }

  /**
   * Opens {@code output} for the checkpoint in {@code checkpointFile}: a new file when there is no
   * checkpoint yet (an existing non-empty output is refused: it belongs to another checkpoint), else
   * the output cut back to the checkpoint's length and continued.
   */
  static TailOutput open(Path checkpointFile, Path output, String title) throws IOException {
    Path out = output.toAbsolutePath();
    Optional<State> state = read(checkpointFile);
    if (state.isEmpty()) {
      if (Files.exists(out) && Files.size(out) > 0) {
        throw new IllegalArgumentException("--out " + output + " exists, but the checkpoint " + checkpointFile
            + " does not: give the checkpoint that goes with it, or remove the file");
      }
      // the output is claimed before anything is written to it: a restart after a crash that came
      // before the first checkpoint finds it its own, and starts it over
      writeState(checkpointFile, new State(out, null, 0, -1));
      RandomAccessFile f = new RandomAccessFile(out.toFile(), "rw");
      f.setLength(0);
      OutputStream s = stream(f);
      return new TailOutput(checkpointFile, out, f, new MkvOutput(s, title), null, List.of(), s);
    }
    State st = state.get();
    if (!st.output().equals(out)) {
      throw new IllegalArgumentException("the checkpoint " + checkpointFile + " goes with the output " + st.output()
          + ", not " + out);
    }
    long size = Files.exists(out) ? Files.size(out) : -1;
    if (size < st.length()) {
      throw new IllegalArgumentException("--out " + output + " has " + Math.max(size, 0) + " bytes, fewer than the "
          + st.length() + " its checkpoint " + checkpointFile + " recorded: it was changed since; remove both to start"
          + " over");
    }
    RandomAccessFile f = new RandomAccessFile(out.toFile(), "rw");
    f.setLength(st.length()); // frames written after the last checkpoint are delivered again
    f.seek(st.length());
    List<TrackEntry> tracks = st.segmentStart() < 0 ? List.of() : tracksAt(out, st.segmentStart());
    String openFragment = st.checkpoint() == null || st.checkpoint().fragmentComplete() ? null
        : st.checkpoint().fragmentNumber();
    OutputStream s = stream(f);
    MkvOutput mkv = new MkvOutput(s, title).resume(st.length(), st.segmentStart(), tracks, openFragment);
    return new TailOutput(checkpointFile, out, f, mkv, st.checkpoint(), tracks, s);
  }

  /** A writer that continues this output (after its saved checkpoint, with its tracks). */
  MkvTailWriter writer() {
    return new MkvTailWriter(mkv, resumedTracks, checkpoint);
  }

  @Override
  public Optional<Checkpoint> load() {
    return Optional.ofNullable(checkpoint);
  }

  @Override
  public void save(Checkpoint cp) throws IOException {
    stream.flush();
    file.getFD().sync(); // the bytes the checkpoint counts are on disk before it is
    writeState(checkpointFile, new State(output, cp, mkv.length(), mkv.segmentStart()));
    checkpoint = cp;
  }

  private static void writeState(Path checkpointFile, State st) throws IOException {
    String text = FORMAT + "\n" + st.output() + "\n" + (st.checkpoint() == null ? NONE : st.checkpoint().render())
        + "\n" + st.length() + "\n" + st.segmentStart() + "\n";
    Path temp = checkpointFile.toAbsolutePath().resolveSibling(checkpointFile.getFileName() + ".tmp");
    try (FileOutputStream o = new FileOutputStream(temp.toFile())) {
      o.write(text.getBytes(StandardCharsets.UTF_8));
      o.getFD().sync();
    }
    Files.move(temp, checkpointFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** The output stream the writer writes to (flushed before each checkpoint). */
  OutputStream stream() {
    return stream;
  }

  @Override
  public void close() throws IOException {
    stream.flush();
    file.close();
  }

  /**
   * Writes through {@code f}. Plain java.io, not a FileChannel: an interrupt (the stop signal
   * interrupts the command's thread) would close a channel in the middle of a write.
   */
  private static OutputStream stream(RandomAccessFile f) {
    return new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        f.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        f.write(b, off, len);
      }
    };
  }

  /** What a checkpoint file says; {@code checkpoint} is null before the first. */
  record State(Path output, Checkpoint checkpoint, long length, long segmentStart) {}

  static Optional<State> read(Path checkpointFile) throws IOException {
    List<String> lines;
    try {
      lines = Files.readAllLines(checkpointFile, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    try {
      if (lines.size() < 5 || !lines.get(0).equals(FORMAT)) {
        throw new IllegalArgumentException("not a tail output checkpoint");
      }
      Checkpoint cp = lines.get(2).equals(NONE) ? null : Checkpoint.parse(lines.get(2));
      return Optional.of(new State(Path.of(lines.get(1)), cp, Long.parseLong(lines.get(3)),
          Long.parseLong(lines.get(4))));
    } catch (IllegalArgumentException e) {
      throw new IOException("checkpoint file " + checkpointFile + " is not one 'vidlog tail --out' wrote: "
          + e.getMessage(), e);
    }
  }

  /** The Tracks of the Segment that starts at {@code offset} in an MKV file this class wrote. */
  private static List<TrackEntry> tracksAt(Path file, long offset) throws IOException {
    List<TrackEntry> found = new ArrayList<>();
    MkvReader reader = new MkvReader(new MkvHandler() {
      @Override
      public void onTracks(List<TrackEntry> tracks, ByteBuffer rawElement) {
        if (found.isEmpty()) {
          found.addAll(tracks);
        }
      }
    });
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ch.position(offset);
      ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
      while (found.isEmpty() && ch.read(buf.clear()) >= 0) {
        reader.feed(buf.flip());
      }
    } finally {
      reader.close();
    }
    if (found.isEmpty()) {
      throw new IOException(file + " has no Tracks at offset " + offset + ": not the file its checkpoint was saved with");
    }
    return found;
  }
}
