package io.vidlog.media.fmp4;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Writes the initialization segment of a fragmented MP4 (ISO/IEC 14496-12 §8.8; RFC 8216 §3.3 "
 * Fragmented MPEG-4", the resource of {@code #EXT-X-MAP}): {@code ftyp} and a {@code moov} whose
 * tracks have empty sample tables and a {@code trex} each in {@code mvex}, so every sample lives in
 * a media segment. Sample entries are {@code avc1} + {@code avcC}, {@code hvc1} + {@code hvcC}
 * (ISO/IEC 14496-15 §5.4, §8.4; {@code hvc1} because the parameter sets are in the record, and
 * because Apple's players take no other) and {@code mp4a} + {@code esds} (ISO/IEC 14496-14 §5.6),
 * built from the codec private data alone. The output depends only on the tracks: the same tracks
 * give the same bytes on any node.
 */
public final class InitSegment {
  /** mvhd timescale: no sample is timed in it, the movie has no duration of its own. */
  private static final int MOVIE_TIMESCALE = 1000;

  private InitSegment() {}

  /**
   * {@code ftyp} + {@code moov} for {@code tracks}, in the given order (one track for HLS's
   * per-track playlists, several for a muxed stream).
   *
   * @throws IllegalArgumentException for no tracks or two with the same track_ID
   */
  public static byte[] write(List<Fmp4Track> tracks) {
    if (tracks.isEmpty()) {
      throw new IllegalArgumentException("an init segment needs at least one track");
    }
    Set<Integer> ids = new HashSet<>();
    int maxId = 0;
    for (Fmp4Track t : tracks) {
      if (!ids.add(t.trackId())) {
        throw new IllegalArgumentException("two tracks with track_ID " + t.trackId());
      }
      maxId = Math.max(maxId, t.trackId());
    }
    BoxWriter w = new BoxWriter(1024);
    ftyp(w);
    int moov = w.start("moov");
    mvhd(w, maxId + 1);
    for (Fmp4Track t : tracks) {
      trak(w, t);
    }
    int mvex = w.start("mvex");
    for (Fmp4Track t : tracks) {
      int trex = w.startFull("trex", 0, 0);
      w.u32(t.trackId()).u32(1).u32(0).u32(0).u32(0); // description index 1; defaults are per trun
      w.end(trex);
    }
    w.end(mvex);
    w.end(moov);
    return w.toByteArray();
  }

  /**
   * §4.3: iso6 is the brand of the 2012 edition, which brought tfdt version 1 and trun version 1
   * (signed composition offsets) that the media segments use; mp41 for older readers.
   */
  private static void ftyp(BoxWriter w) {
    MovieBoxes.ftyp(w, "iso6", "iso6", "mp41");
  }

  private static void mvhd(BoxWriter w, int nextTrackId) {
    MovieBoxes.mvhd(w, MOVIE_TIMESCALE, 0, nextTrackId);
  }

  /** A trak with empty sample tables: every sample lives in a media segment. */
  private static void trak(BoxWriter w, Fmp4Track t) {
    MovieBoxes.trak(w, List.of(t), 0, 0, edits -> { }, tables -> {
      emptyTable(tables, "stts");
      emptyTable(tables, "stsc");
      int stsz = tables.startFull("stsz", 0, 0);
      tables.u32(0).u32(0); // sample_size, sample_count
      tables.end(stsz);
      emptyTable(tables, "stco");
    });
  }

  private static void emptyTable(BoxWriter w, String type) {
    int at = w.startFull(type, 0, 0);
    w.u32(0);
    w.end(at);
  }
}
