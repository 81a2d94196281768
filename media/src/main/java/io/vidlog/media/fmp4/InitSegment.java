package io.vidlog.media.fmp4;

import io.vidlog.media.audio.AudioSpecificConfig;
import io.vidlog.media.nal.CodecDescription;
import java.nio.charset.StandardCharsets;
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
  /** 'und' in ISO 639-2/T packed as three 5-bit letters (§8.4.2.3). */
  private static final int LANGUAGE_UND = 0x55C4;
  private static final int[] UNITY_MATRIX = {0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000};
  /** tkhd flags: track_enabled | track_in_movie (§8.3.2.3). */
  private static final int TKHD_ENABLED_IN_MOVIE = 0x3;

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
    int at = w.start("ftyp");
    w.fourcc("iso6").u32(0).fourcc("iso6").fourcc("mp41");
    w.end(at);
  }

  private static void mvhd(BoxWriter w, int nextTrackId) {
    int at = w.startFull("mvhd", 0, 0);
    w.u32(0).u32(0).u32(MOVIE_TIMESCALE).u32(0); // creation, modification, timescale, duration
    w.u32(0x10000).u16(0x100).zeros(10); // rate 1.0, volume 1.0, reserved
    matrix(w);
    w.zeros(24); // pre_defined
    w.u32(nextTrackId);
    w.end(at);
  }

  private static void matrix(BoxWriter w) {
    for (int m : UNITY_MATRIX) {
      w.u32(m);
    }
  }

  private static void trak(BoxWriter w, Fmp4Track t) {
    int trak = w.start("trak");
    int tkhd = w.startFull("tkhd", 0, TKHD_ENABLED_IN_MOVIE);
    w.u32(0).u32(0).u32(t.trackId()).u32(0).u32(0); // creation, modification, id, reserved, duration
    w.zeros(8).u16(0).u16(t.isVideo() ? 0 : 1); // reserved, layer, alternate_group
    w.u16(t.isVideo() ? 0 : 0x100).u16(0); // volume, reserved
    matrix(w);
    w.u32(t.isVideo() ? (long) t.description().width() << 16 : 0);
    w.u32(t.isVideo() ? (long) t.description().height() << 16 : 0);
    w.end(tkhd);

    int mdia = w.start("mdia");
    int mdhd = w.startFull("mdhd", 0, 0);
    w.u32(0).u32(0).u32(t.timescale()).u32(0).u16(LANGUAGE_UND).u16(0);
    w.end(mdhd);
    int hdlr = w.startFull("hdlr", 0, 0);
    w.u32(0).fourcc(t.isVideo() ? "vide" : "soun").zeros(12);
    w.bytes((t.isVideo() ? "VideoHandler\0" : "SoundHandler\0").getBytes(StandardCharsets.US_ASCII));
    w.end(hdlr);

    int minf = w.start("minf");
    if (t.isVideo()) {
      int vmhd = w.startFull("vmhd", 0, 1); // flags 1 is required (§12.1.2.2)
      w.u16(0).zeros(6); // graphicsmode copy, opcolor
      w.end(vmhd);
    } else {
      int smhd = w.startFull("smhd", 0, 0);
      w.u16(0).u16(0); // balance, reserved
      w.end(smhd);
    }
    int dinf = w.start("dinf");
    int dref = w.startFull("dref", 0, 0);
    w.u32(1);
    int url = w.startFull("url ", 0, 1); // flags 1: the media is in this file
    w.end(url);
    w.end(dref);
    w.end(dinf);

    int stbl = w.start("stbl");
    int stsd = w.startFull("stsd", 0, 0);
    w.u32(1);
    if (t.isVideo()) {
      visualSampleEntry(w, t);
    } else {
      audioSampleEntry(w, t);
    }
    w.end(stsd);
    emptyTable(w, "stts");
    emptyTable(w, "stsc");
    int stsz = w.startFull("stsz", 0, 0);
    w.u32(0).u32(0); // sample_size, sample_count
    w.end(stsz);
    emptyTable(w, "stco");
    w.end(stbl);
    w.end(minf);
    w.end(mdia);
    w.end(trak);
  }

  private static void emptyTable(BoxWriter w, String type) {
    int at = w.startFull(type, 0, 0);
    w.u32(0);
    w.end(at);
  }

  /** VisualSampleEntry (§12.1.3) with its decoder configuration record. */
  private static void visualSampleEntry(BoxWriter w, Fmp4Track t) {
    boolean avc = t.description().codec() == CodecDescription.Codec.H264;
    int entry = w.start(avc ? "avc1" : "hvc1");
    w.zeros(6).u16(1); // reserved, data_reference_index
    w.u16(0).u16(0).zeros(12); // pre_defined, reserved, pre_defined
    w.u16(t.description().width()).u16(t.description().height());
    w.u32(0x480000).u32(0x480000).u32(0); // 72 dpi, 72 dpi, reserved
    w.u16(1).zeros(32); // frame_count, compressorname
    w.u16(0x18).u16(0xFFFF); // depth, pre_defined -1
    int config = w.start(avc ? "avcC" : "hvcC");
    w.bytes(t.codecConfig());
    w.end(config);
    w.end(entry);
  }

  /** AudioSampleEntry version 0 (§12.2.3) with an esds (ISO/IEC 14496-14 §5.6). */
  private static void audioSampleEntry(BoxWriter w, Fmp4Track t) {
    int channels = t.description().channels() > 0 ? t.description().channels() : 2;
    int rate = t.description().sampleRate();
    int entry = w.start("mp4a");
    w.zeros(6).u16(1); // reserved, data_reference_index
    w.zeros(8); // reserved
    w.u16(Math.min(channels, 0xFFFF)).u16(16).u16(0).u16(0); // channelcount, samplesize, pre_defined, reserved
    // 16.16 fixed point: a rate above 65535 Hz does not fit; 0 then, the esds has the rate
    w.u32(rate <= 0xFFFF ? (long) rate << 16 : 0);
    esds(w, t.codecConfig());
    w.end(entry);
  }

  /**
   * ES_Descriptor → DecoderConfigDescriptor (objectTypeIndication 0x40, MPEG-4 audio; streamType 5,
   * audio) → DecoderSpecificInfo holding the AudioSpecificConfig, then SLConfigDescriptor
   * predefined 2 (ISO/IEC 14496-1 §7.2.6; 14496-14 §3.1.2).
   */
  private static void esds(BoxWriter w, byte[] asc) {
    AudioSpecificConfig.parse(asc); // refuse what no decoder could configure itself from
    int dsi = 1 + sizeBytes(asc.length) + asc.length;
    int dcdBody = 13 + dsi;
    int dcd = 1 + sizeBytes(dcdBody) + dcdBody;
    int sl = 3;
    int esBody = 3 + dcd + sl;
    int at = w.startFull("esds", 0, 0);
    descriptor(w, 0x03, esBody);
    w.u16(0).u8(0); // ES_ID, flags: no stream dependence, URL or OCR stream
    descriptor(w, 0x04, dcdBody);
    w.u8(0x40).u8(0x05 << 2 | 1); // objectTypeIndication, streamType | upStream 0 | reserved 1
    w.u24(0).u32(0).u32(0); // bufferSizeDB, maxBitrate, avgBitrate: unknown
    descriptor(w, 0x05, asc.length);
    w.bytes(asc);
    descriptor(w, 0x06, 1);
    w.u8(0x02);
    w.end(at);
  }

  private static void descriptor(BoxWriter w, int tag, int size) {
    w.u8(tag);
    int n = sizeBytes(size);
    for (int i = n - 1; i >= 0; i--) { // expandable size, 7 bits a byte (14496-1 §8.3.3)
      w.u8((size >>> (7 * i) & 0x7F) | (i > 0 ? 0x80 : 0));
    }
  }

  private static int sizeBytes(int size) {
    return size < 1 << 7 ? 1 : size < 1 << 14 ? 2 : size < 1 << 21 ? 3 : 4;
  }
}
