package io.vidlog.media.mp4;

import static io.vidlog.media.MediaFormatException.Format.MP4;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a {@code moov} (ISO/IEC 14496-12 §8.2) says: the tracks vidlog carries, their sample tables
 * ({@code stbl}, used for progressive files) and, for fragmented files, the {@code trex} defaults
 * from {@code mvex} (§8.8.3). Tracks with other handlers (hint, text, timecode…) are left out.
 */
record Movie(List<Mp4Track> tracks, Map<Integer, Box> sampleTables, Map<Integer, Trex> trex,
    Set<Integer> otherTracks, boolean fragmented) {

  /** TrackExtendsBox defaults (§8.8.3). */
  record Trex(long duration, long size, long flags) {}

  /** The same movie without its sample tables, so that it keeps no view of the moov's bytes. */
  Movie withoutSampleTables() {
    return new Movie(tracks, Map.of(), trex, otherTracks, fragmented);
  }

  static Movie parse(Box moov) {
    List<Mp4Track> tracks = new ArrayList<>();
    Map<Integer, Box> tables = new HashMap<>();
    Set<Integer> others = new HashSet<>();
    for (Box trak : moov.children()) {
      if (!trak.type().equals("trak")) {
        continue;
      }
      Box hdlr = require(trak, "mdia", "hdlr");
      Box.Cursor h = hdlr.cursor();
      h.skip(8); // version/flags, pre_defined
      String handler = Box.fourcc((int) h.u32());
      int trackId = trackId(require(trak, "tkhd"));
      if (!handler.equals("vide") && !handler.equals("soun")) {
        others.add(trackId); // hint, text, timecode, metadata: their samples are skipped
        continue;
      }
      long timescale = timescale(require(trak, "mdia", "mdhd"));
      Box stbl = require(trak, "mdia", "minf", "stbl");
      SampleEntries.Entry e = SampleEntries.read(require(stbl, "stsd"));
      long edit = editMediaTime(trak.path("edts", "elst"));
      var d = e.description();
      tracks.add(new Mp4Track(trackId, e.kind(), d.codecId(), e.codecPrivate(), d.codecString(),
          d.width(), d.height(), d.sampleRate(), d.channels(), timescale, edit));
      if (tables.put(trackId, stbl) != null) {
        throw MP4.malformed(trak.offset(), "duplicate track_ID " + trackId);
      }
    }
    if (tracks.isEmpty()) {
      throw MP4.unsupported(moov.offset(), "moov without a video or audio track");
    }
    Map<Integer, Trex> trex = new HashMap<>();
    Box mvex = moov.child("mvex");
    if (mvex != null) {
      for (Box b : mvex.children()) {
        if (b.type().equals("trex")) {
          Box.Cursor c = b.cursor();
          c.skip(4);
          int id = (int) c.u32();
          c.skip(4); // default_sample_description_index
          trex.put(id, new Trex(c.u32(), c.u32(), c.u32()));
        }
      }
    }
    return new Movie(List.copyOf(tracks), tables, trex, Set.copyOf(others), mvex != null);
  }

  /** True when any track's stsz lists samples (a moov that carries media itself). */
  boolean hasSampleTableEntries() {
    for (Box stbl : sampleTables.values()) {
      Box stsz = stbl.child("stsz");
      if (stsz != null) {
        Box.Cursor c = stsz.cursor();
        c.skip(8); // version/flags, sample_size
        if (c.u32() > 0) {
          return true;
        }
      }
    }
    return false;
  }

  /** True when the moov announces fragments (has mvex), without parsing its tracks. */
  static boolean parseFragmentedFlag(Box moov) {
    return moov.child("mvex") != null;
  }

  Mp4Track track(int trackId) {
    for (Mp4Track t : tracks) {
      if (t.trackId() == trackId) {
        return t;
      }
    }
    return null;
  }

  private static Box require(Box parent, String... path) {
    Box b = parent.path(path);
    if (b == null) {
      throw MP4.malformed(parent.offset(), "'" + parent.type() + "' without '"
          + String.join("/", path) + "'");
    }
    return b;
  }

  private static int trackId(Box tkhd) {
    Box.Cursor c = tkhd.cursor();
    int version = c.u8();
    c.skip(3);
    c.skip(version == 1 ? 16 : 8); // creation_time, modification_time
    long id = c.u32();
    if (id == 0 || id > Integer.MAX_VALUE) {
      throw MP4.malformed(tkhd.offset(), "track_ID " + id);
    }
    return (int) id;
  }

  private static long timescale(Box mdhd) {
    Box.Cursor c = mdhd.cursor();
    int version = c.u8();
    c.skip(3);
    c.skip(version == 1 ? 16 : 8);
    long ts = c.u32();
    if (ts == 0) {
      throw MP4.malformed(mdhd.offset(), "mdhd timescale 0");
    }
    return ts;
  }

  /** media_time of the first edit that is not an empty edit (-1), §8.6.6. */
  private static long editMediaTime(Box elst) {
    if (elst == null) {
      return 0;
    }
    Box.Cursor c = elst.cursor();
    int version = c.u8();
    c.skip(3);
    int n = c.count(version == 1 ? 20 : 12, 1 << 16, "elst entry");
    for (int i = 0; i < n; i++) {
      c.skip(version == 1 ? 8 : 4); // segment_duration
      long mediaTime = version == 1 ? c.u64Signed() : c.s32();
      c.skip(4); // media_rate
      if (mediaTime != -1) {
        return Math.max(0, mediaTime);
      }
    }
    return 0;
  }
}
