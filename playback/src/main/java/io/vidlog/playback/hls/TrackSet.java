package io.vidlog.playback.hls;

import io.vidlog.media.mkv.MkvHandler;
import io.vidlog.media.mkv.MkvReader;
import io.vidlog.media.mkv.SegmentInfo;
import io.vidlog.media.mkv.TrackEntry;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * The tracks a fragment declares (its Matroska Tracks element, RFC 9559 §5.1.4) and its
 * TimecodeScale: what an HLS initialization segment is made from, and what tells whether a track's
 * codec private data changed from one fragment to the next (docs/wire-protocol.md §3.5).
 */
public record TrackSet(long timecodeScaleNs, List<TrackEntry> entries) {

  public TrackSet {
    entries = List.copyOf(entries);
  }

  /** The entry of a track number, or null. */
  public TrackEntry entry(int trackNumber) {
    for (TrackEntry e : entries) {
      if (e.trackNumber() == trackNumber) {
        return e;
      }
    }
    return null;
  }

  /** Whether {@code other} declares track {@code trackNumber} with the same codec and codec private data. */
  public boolean sameCodec(TrackSet other, int trackNumber) {
    TrackEntry a = entry(trackNumber);
    TrackEntry b = other == null ? null : other.entry(trackNumber);
    return a != null && b != null && String.valueOf(a.codecId()).equals(String.valueOf(b.codecId()))
        && Arrays.equals(a.codecPrivate(), b.codecPrivate());
  }

  /**
   * Reads the Info and Tracks of a fragment's MKV prefix (EBML header, Segment, Info, Tracks …).
   * Returns null when {@code mkv} ends before Tracks; throws {@link io.vidlog.media.MediaFormatException}
   * when it does not read as Matroska.
   */
  public static TrackSet read(ByteBuffer mkv) {
    Reader r = new Reader();
    MkvReader reader = new MkvReader(r);
    try {
      reader.feed(mkv);
    } finally {
      reader.close();
    }
    return r.tracks == null ? null : new TrackSet(r.scale, r.tracks);
  }

  /** Collects Info and Tracks as they are read. */
  static final class Reader implements MkvHandler {
    long scale = SegmentInfo.DEFAULT_TIMECODE_SCALE;
    List<TrackEntry> tracks;

    @Override
    public void onInfo(SegmentInfo info, ByteBuffer rawElement) {
      scale = info.timecodeScaleNs();
    }

    @Override
    public void onTracks(List<TrackEntry> declared, ByteBuffer rawElement) {
      if (tracks == null) {
        tracks = List.copyOf(declared);
      }
    }
  }
}
