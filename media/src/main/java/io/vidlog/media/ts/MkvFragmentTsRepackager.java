package io.vidlog.media.ts;

import io.vidlog.media.MediaFormatException;
import io.vidlog.media.fmp4.Fmp4Track;
import io.vidlog.media.mkv.MkvFrame;
import io.vidlog.media.mkv.MkvHandler;
import io.vidlog.media.mkv.TrackEntry;
import io.vidlog.media.nal.CodecPrivate;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one stored fragment (a self-contained Matroska segment) from an {@code MkvReader} into a
 * {@link TsSegmentBuilder}: its first H.264/H.265 track and its first AAC track, all other tracks
 * left out. Each frame's payload is copied as it is read, so the reader's slices may be dropped at
 * once. Use: {@code new MkvReader(r)}, feed the fragment, {@code end()}, then {@link #segment}.
 *
 * <p>Failures while reading are {@link MediaFormatException}s: MALFORMED of format H264, H265 or AAC
 * for a chosen track's codec private data that is missing or unreadable; UNSUPPORTED of format
 * MKV when the fragment has no H.264, H.265 or AAC track, or its Tracks change. Not thread-safe.
 */
public final class MkvFragmentTsRepackager implements MkvHandler {
  private List<TrackEntry> entries;
  private TsSegmentBuilder builder;

  @Override
  public void onTracks(List<TrackEntry> declared, ByteBuffer rawElement) {
    if (entries != null) {
      if (!sameTracks(entries, declared)) {
        throw MediaFormatException.Format.MKV.unsupported(MediaFormatException.UNKNOWN_OFFSET,
            "Tracks changed inside one fragment");
      }
      return;
    }
    entries = List.copyOf(declared);
    List<Fmp4Track> tracks = new ArrayList<>();
    for (TrackEntry e : entries) {
      if (CodecPrivate.canonicalCodecId(e.codecId()) != null) {
        tracks.add(Fmp4Track.of(e)); // MALFORMED for missing or unreadable codec private data
      }
    }
    if (tracks.isEmpty()) {
      throw MediaFormatException.Format.MKV.unsupported(MediaFormatException.UNKNOWN_OFFSET,
          "the fragment has no H.264, H.265 or AAC track");
    }
    builder = new TsSegmentBuilder(tracks);
  }

  @Override
  public void onFrame(MkvFrame frame) {
    if (builder == null) {
      throw MediaFormatException.Format.MKV.malformed(MediaFormatException.UNKNOWN_OFFSET, "a frame before Tracks");
    }
    builder.add(frame.trackNumber(), frame.timecodeNs(), frame.keyFrame(), frame.payload());
  }

  /** Tracks as the fragment declared them; null before Tracks was read. */
  public List<TrackEntry> trackEntries() {
    return entries;
  }

  /** The Matroska track numbers the segment carries (video first). */
  public List<Integer> trackIds() {
    requireTracks();
    return builder.trackIds();
  }

  /** The segment, every timestamp shifted by {@code timeOffsetNs}; once only. */
  public byte[] segment(long timeOffsetNs) {
    requireTracks();
    return builder.build(timeOffsetNs);
  }

  /** TrackEntry holds arrays: compare track numbers, codecs and codec private data by content. */
  private static boolean sameTracks(List<TrackEntry> a, List<TrackEntry> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (a.get(i).trackNumber() != b.get(i).trackNumber()
          || !String.valueOf(a.get(i).codecId()).equals(String.valueOf(b.get(i).codecId()))
          || !java.util.Arrays.equals(a.get(i).codecPrivate(), b.get(i).codecPrivate())) {
        return false;
      }
    }
    return true;
  }

  private void requireTracks() {
    if (builder == null) {
      throw new IllegalStateException("no Tracks read yet");
    }
  }
}
