package io.vidlog.producer.source;

import io.vidlog.media.mkv.TrackEntry;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32;

/** A sink that keeps what a source produced, and a one-line-per-frame dump to compare runs by. */
public class Recorder implements FrameSink {
  public final List<List<TrackEntry>> trackCalls = new ArrayList<>();
  public final List<SourceFrame> frames = new ArrayList<>();

  @Override
  public void onTracks(List<TrackEntry> tracks) {
    if (!frames.isEmpty()) {
      throw new AssertionError("tracks after frames");
    }
    trackCalls.add(tracks);
  }

  @Override
  public void onFrame(SourceFrame frame) {
    if (trackCalls.isEmpty()) {
      throw new AssertionError("a frame before the tracks");
    }
    frames.add(frame);
  }

  public List<TrackEntry> tracks() {
    if (trackCalls.size() != 1) {
      throw new AssertionError("onTracks called " + trackCalls.size() + " times");
    }
    return trackCalls.get(0);
  }

  /** "track pts dts K|_ length crc" per frame. */
  public List<String> dump() {
    List<String> out = new ArrayList<>();
    for (SourceFrame f : frames) {
      out.add(line(f));
    }
    return out;
  }

  public static String line(SourceFrame f) {
    return f.track() + " " + f.ptsNanos() + " " + f.dtsNanos() + " " + (f.keyFrame() ? "K" : "_") + " "
        + f.data().remaining() + " " + crc(f.data());
  }

  /** The track entries, with their codec private data in hex. */
  public static String describe(List<TrackEntry> tracks) {
    StringBuilder b = new StringBuilder();
    for (TrackEntry t : tracks) {
      b.append(t.trackNumber()).append(' ').append(t.trackType()).append(' ').append(t.codecId()).append(' ')
          .append(t.pixelWidth()).append('x').append(t.pixelHeight()).append(' ')
          .append(t.codecPrivate() == null ? "-" : HexFormat.of().formatHex(t.codecPrivate())).append('\n');
    }
    return b.toString();
  }

  public static String crc(ByteBuffer b) {
    CRC32 c = new CRC32();
    c.update(b.duplicate());
    return Long.toHexString(c.getValue());
  }
}
