package io.vidlog.producer.source;

import static io.vidlog.media.MediaFormatException.Format.MKV;

import io.vidlog.media.mkv.MkvFrame;
import io.vidlog.media.mkv.MkvHandler;
import io.vidlog.media.mkv.MkvLimits;
import io.vidlog.media.mkv.MkvReader;
import io.vidlog.media.mkv.TrackEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Matroska/WebM file as a source (RFC 9559), read in fixed slices through the push-driven
 * {@link MkvReader}. Only the frames matter: the file's Clusters are not kept, so the producer cuts
 * fragments at key frames whatever the file's clustering (muxers often start Clusters by size or
 * time, mid-GOP). A frame is a key frame when its block says so; an H.264 or H.265 frame is also
 * one when it holds an IDR/IRAP picture, because some muxers leave the SimpleBlock key flag unset.
 * H.264/H.265 frames are handed out with 4-byte NAL lengths ({@link NalTrack}). Matroska stores
 * presentation times only; decode times are derived ({@link DecodeTimes}), so frames leave up to 16
 * frames of their track after they were read.
 *
 * <p>A file may hold several Segments one after the other (a recording of several PutMedia
 * sessions, or several GetMedia chunks): their frames follow on as long as every Segment declares
 * the same tracks. Timestamps are the file's ((Cluster + block timecode) × TimecodeScale).
 */
public final class MkvFileSource implements MediaSource {
  /** Read size: one slice of the file in memory at a time, plus a frame the reader is assembling. */
  static final int READ_SIZE = 64 * 1024;

  private final Path file;
  private final int readSize;
  private volatile long size = -1;
  private volatile long position;

  public MkvFileSource(Path file) {
    this(file, READ_SIZE);
  }

  /** With a given read size (tests read at every size). */
  MkvFileSource(Path file, int readSize) {
    if (readSize < 1) {
      throw new IllegalArgumentException("read size " + readSize);
    }
    this.file = file;
    this.readSize = readSize;
  }

  @Override
  public void run(FrameSink sink) throws IOException, InterruptedException {
    Frames frames = new Frames(sink);
    MkvReader reader = new MkvReader(frames, MkvLimits.DEFAULT);
    frames.reader = reader;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      size = ch.size();
      ByteBuffer buf = ByteBuffer.allocate(readSize);
      while (ch.read(buf.clear()) >= 0) {
        if (Thread.interrupted()) {
          throw new InterruptedException("reading " + file);
        }
        reader.feed(buf.flip());
        position = reader.bytesConsumed();
      }
      reader.end();
      frames.decodeTimes.end();
    } catch (SinkCalls.Escape e) {
      e.rethrow();
    } catch (ClosedByInterruptException e) {
      throw new InterruptedException("reading " + file);
    } finally {
      reader.close();
    }
    if (frames.tracks == null) {
      throw MKV.malformed(position, "no Tracks element in " + file);
    }
  }

  @Override
  public double progress() {
    long s = size;
    return s <= 0 ? (s == 0 ? 1 : 0) : (double) position / s;
  }

  /** Turns reader events into sink calls. */
  private static final class Frames implements MkvHandler {
    private final FrameSink sink;
    private final DecodeTimes decodeTimes;
    private MkvReader reader;
    private List<TrackEntry> tracks;
    /** Per declared track number: its framing. */
    private final Map<Integer, NalTrack> nalTracks = new HashMap<>();

    Frames(FrameSink sink) {
      this.sink = sink;
      this.decodeTimes = new DecodeTimes(sink::onFrame);
    }

    @Override
    public void onTracks(List<TrackEntry> found, ByteBuffer rawElement) {
      if (tracks != null) {
        if (!sameTracks(tracks, found)) {
          throw MKV.unsupported(reader.eventOffset(), "a later Segment declares other tracks " + describe(found)
              + " than the first " + describe(tracks) + ": one stream carries one set of tracks");
        }
        return;
      }
      tracks = List.copyOf(found);
      List<TrackEntry> described = new ArrayList<>();
      for (TrackEntry t : tracks) {
        NalTrack n = NalTrack.of(t);
        nalTracks.put(t.trackNumber(), n);
        described.add(n.track());
      }
      SinkCalls.inCallback(() -> sink.onTracks(List.copyOf(described)));
    }

    @Override
    public void onFrame(MkvFrame f) {
      NalTrack nal = nalTracks.get(f.trackNumber());
      if (nal == null) {
        throw MKV.malformed(reader.eventOffset(), "block of track " + f.trackNumber()
            + (tracks == null ? " before any Tracks element" : ", which Tracks does not declare"));
      }
      byte[] copy = new byte[f.payload().remaining()];
      f.payload().duplicate().get(copy);
      ByteBuffer data = nal.frame(ByteBuffer.wrap(copy), reader.eventOffset());
      boolean key = f.keyFrame() || nal.startsPicture(data);
      SourceFrame frame = new SourceFrame(f.trackNumber(), f.timecodeNs(), f.timecodeNs(), key, data);
      SinkCalls.inCallback(() -> decodeTimes.add(frame));
    }

    private static boolean sameTracks(List<TrackEntry> a, List<TrackEntry> b) {
      if (a.size() != b.size()) {
        return false;
      }
      for (int i = 0; i < a.size(); i++) {
        TrackEntry x = a.get(i);
        TrackEntry y = b.get(i);
        if (x.trackNumber() != y.trackNumber() || x.trackType() != y.trackType()
            || !String.valueOf(x.codecId()).equals(String.valueOf(y.codecId()))
            || !java.util.Arrays.equals(x.codecPrivate(), y.codecPrivate())) {
          return false;
        }
      }
      return true;
    }

    private static String describe(List<TrackEntry> ts) {
      List<String> out = new ArrayList<>();
      for (TrackEntry t : ts) {
        out.add(t.trackNumber() + ":" + t.codecId());
      }
      return out.toString();
    }
  }
}
