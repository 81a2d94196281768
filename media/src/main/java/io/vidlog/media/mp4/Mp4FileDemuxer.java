package io.vidlog.media.mp4;

import static io.vidlog.media.MediaFormatException.Format.MP4;

import io.vidlog.media.ByteBudget;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Demuxer for a progressive MP4 spooled to a file (moov before or after mdat): it reads the
 * top-level box headers with positional reads, reads the moov (bounded by
 * {@link Mp4Limits#maxHeaderBoxBytes()}), flattens each track's sample table, then returns the
 * samples in decode order interleaved across tracks by decode time ({@link #next()}), each read
 * with a positional read into a fresh buffer of its (bounded) size. Never holds the media on the
 * heap. It reads any {@link SeekableByteChannel} (a file, or a view that decrypts one). What it does hold is charged to a {@link ByteBudget}: the moov while it is parsed, the
 * sample tables until {@link #close()}, and each sample until the next call. Every size is checked
 * against the file's real size before anything is read. A fragmented file (moov with mvex) is
 * refused: stream it through {@link FragmentedMp4Demuxer}, or use {@link Mp4Demux#file} which
 * picks. Blocking I/O: call it from a worker thread, never an event loop.
 */
public final class Mp4FileDemuxer implements Closeable {
  private final SeekableByteChannel channel;
  private final List<Mp4Track> tracks;
  private final List<SampleTable> tables;
  private final int[] cursor;
  private final ByteBudget budget;
  private long sampleCharge;

  private Mp4FileDemuxer(SeekableByteChannel channel, List<Mp4Track> tracks, List<SampleTable> tables,
      ByteBudget budget) {
    this.channel = channel;
    this.tracks = tracks;
    this.tables = tables;
    this.cursor = new int[tracks.size()];
    this.budget = budget;
  }

  /** Opens and indexes {@code file} with nothing budgeted; the caller closes the demuxer. */
  public static Mp4FileDemuxer open(Path file, Mp4Limits limits) throws IOException {
    return open(file, limits, ByteBudget.unlimited());
  }

  /** Opens and indexes {@code file}, charging what it holds to {@code budget}; the caller closes the demuxer. */
  public static Mp4FileDemuxer open(Path file, Mp4Limits limits, ByteBudget budget) throws IOException {
    return open(FileChannel.open(file, StandardOpenOption.READ), limits, budget);
  }

  /** Indexes the MP4 in {@code ch}, which the demuxer now owns (its close closes it, as does a failure here). */
  public static Mp4FileDemuxer open(SeekableByteChannel ch, Mp4Limits limits) throws IOException {
    return open(ch, limits, ByteBudget.unlimited());
  }

  /** As {@link #open(SeekableByteChannel, Mp4Limits)}, charging what it holds to {@code budget}. */
  public static Mp4FileDemuxer open(SeekableByteChannel ch, Mp4Limits limits, ByteBudget budget) throws IOException {
    List<SampleTable> tables = new ArrayList<>();
    try {
      Box moov = readMoov(ch, limits, budget);
      long moovBytes = moov.payload().remaining();
      try {
        Movie movie = Movie.parse(moov);
        if (movie.fragmented()) {
          throw MP4.unsupported(0, "fragmented MP4 (moov has mvex): use FragmentedMp4Demuxer");
        }
        long fileSize = ch.size();
        for (Mp4Track t : movie.tracks()) {
          SampleTable s = SampleTable.build(movie.sampleTables().get(t.trackId()), limits, budget);
          tables.add(s);
          for (int i = 0; i < s.count; i++) {
            if (s.offsets[i] < 0 || s.offsets[i] + s.sizes[i] > fileSize) {
              throw MP4.malformed(s.offsets[i], "sample " + (i + 1) + " of track "
                  + t.trackId() + " (" + s.sizes[i] + " bytes) lies outside the " + fileSize
                  + "-byte file");
            }
          }
        }
        return new Mp4FileDemuxer(ch, movie.tracks(), tables, budget);
      } finally {
        budget.release(moovBytes); // the tables hold what was needed from it
      }
    } catch (IOException | RuntimeException e) {
      tables.forEach(SampleTable::release);
      ch.close();
      throw e;
    }
  }

  /**
   * Finds the top-level moov by walking box headers, and reads it; its bytes are reserved in
   * {@code budget} (the caller releases the payload's capacity).
   */
  static Box readMoov(SeekableByteChannel ch, Mp4Limits limits, ByteBudget budget) throws IOException {
    long size = ch.size();
    long pos = 0;
    ByteBuffer h = ByteBuffer.allocate(16);
    while (pos < size) {
      h.clear().limit((int) Math.min(16, size - pos));
      readFully(ch, h, pos);
      if (h.position() < 8) {
        throw MP4.malformed(pos, "truncated box header");
      }
      long boxSize = h.getInt(0) & 0xFFFFFFFFL;
      String type = Box.fourcc(h.getInt(4));
      int headerSize = 8;
      if (boxSize == 1) {
        if (h.position() < 16) {
          throw MP4.malformed(pos, "truncated largesize of '" + type + "'");
        }
        boxSize = h.getLong(8);
        headerSize = 16;
      } else if (boxSize == 0) {
        boxSize = size - pos;
      }
      if (boxSize < headerSize || boxSize > size - pos) {
        throw MP4.malformed(pos, "box '" + type + "' size " + boxSize + " does not fit in the "
            + (size - pos) + " bytes left in the file");
      }
      if (type.equals("moov")) {
        if (boxSize - headerSize > limits.maxHeaderBoxBytes()) {
          throw MP4.unsupported(pos, "moov of " + boxSize + " bytes over the limit "
              + limits.maxHeaderBoxBytes());
        }
        // the size was checked against the file: these bytes exist, and are read at once
        long bytes = boxSize - headerSize;
        budget.reserve(bytes, MP4, pos, "reading the moov of " + bytes + " bytes");
        ByteBuffer body = ByteBuffer.allocate((int) bytes);
        try {
          readFully(ch, body, pos + headerSize);
        } catch (IOException | RuntimeException e) {
          budget.release(bytes);
          throw e;
        }
        return new Box(type, body.flip(), pos, headerSize);
      }
      pos += boxSize;
    }
    throw MP4.malformed(size, "no moov box in the file");
  }

  private static void readFully(SeekableByteChannel ch, ByteBuffer b, long pos) throws IOException {
    ch.position(pos + b.position());
    while (b.hasRemaining()) {
      if (ch.read(b) < 0) {
        break;
      }
    }
  }

  public List<Mp4Track> tracks() {
    return tracks;
  }

  /** The next sample in decode order across tracks, or null at the end. */
  public Mp4Sample next() {
    budget.release(sampleCharge); // the previous sample is the caller's now
    sampleCharge = 0;
    int best = -1;
    double bestTime = 0;
    long bestOffset = 0;
    for (int t = 0; t < tables.size(); t++) {
      SampleTable s = tables.get(t);
      int i = cursor[t];
      if (i >= s.count) {
        continue;
      }
      double time = (double) s.decodeTimes[i] / tracks.get(t).timescale();
      if (best < 0 || time < bestTime || (time == bestTime && s.offsets[i] < bestOffset)) {
        best = t;
        bestTime = time;
        bestOffset = s.offsets[i];
      }
    }
    if (best < 0) {
      return null;
    }
    SampleTable s = tables.get(best);
    int i = cursor[best]++;
    budget.reserve(s.sizes[i], MP4, s.offsets[i], "reading a sample of " + s.sizes[i] + " bytes");
    sampleCharge = s.sizes[i];
    ByteBuffer payload = ByteBuffer.allocate(s.sizes[i]);
    try {
      readFully(channel, payload, s.offsets[i]);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (payload.hasRemaining()) {
      throw MP4.malformed(s.offsets[i], "file shorter than its sample table");
    }
    long dts = s.decodeTimes[i];
    return new Mp4Sample(tracks.get(best).trackId(), dts, dts + s.compositionOffsets[i],
        s.isSync(i), payload.flip(), s.offsets[i]);
  }

  /** Bytes charged to the budget now: the sample tables and the last sample read. */
  public long bufferedBytes() {
    long tableBytes = 0;
    for (SampleTable s : tables) {
      tableBytes += (long) s.count * SampleTable.BYTES_PER_SAMPLE;
    }
    return tableBytes + sampleCharge;
  }

  /** Closes the file and returns everything to the budget. Safe more than once. */
  @Override
  public void close() throws IOException {
    budget.release(sampleCharge);
    sampleCharge = 0;
    tables.forEach(SampleTable::release);
    tables.clear();
    channel.close();
  }
}
