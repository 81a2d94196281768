package io.vidlog.media.fmp4;

import io.vidlog.media.audio.AudioSpecificConfig;
import io.vidlog.media.nal.CodecDescription;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;

/**
 * The movie-level boxes an init segment and a progressive clip share (ISO/IEC 14496-12 §8.2–§8.5):
 * {@code ftyp}, {@code mvhd}, and a {@code trak} with its sample descriptions built from codec
 * private data alone ({@code avc1}/{@code hvc1} with their configuration records, ISO/IEC 14496-15
 * §5.4, §8.4; {@code mp4a} with an {@code esds}, ISO/IEC 14496-14 §5.6). What differs between the
 * two, the edit list and the sample tables, is written by the caller.
 */
final class MovieBoxes {
  /** 'und' in ISO 639-2/T packed as three 5-bit letters (§8.4.2.3). */
  private static final int LANGUAGE_UND = 0x55C4;
  private static final int[] UNITY_MATRIX = {0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000};
  /** tkhd flags: track_enabled | track_in_movie (§8.3.2.3). */
  private static final int TKHD_ENABLED_IN_MOVIE = 0x3;

  private MovieBoxes() {}

  /** {@code ftyp} (§4.3) with a major brand, minor version 0 and compatible brands. */
  static void ftyp(BoxWriter w, String major, String... compatible) {
    int at = w.start("ftyp");
    w.fourcc(major).u32(0);
    for (String b : compatible) {
      w.fourcc(b);
    }
    w.end(at);
  }

  /** {@code mvhd} (§8.2.2); version 1 when the duration needs 64 bits. */
  static void mvhd(BoxWriter w, long timescale, long duration, int nextTrackId) {
    boolean v1 = duration > 0xFFFFFFFFL;
    int at = w.startFull("mvhd", v1 ? 1 : 0, 0);
    times(w, v1, timescale, duration);
    w.u32(0x10000).u16(0x100).zeros(10); // rate 1.0, volume 1.0, reserved
    matrix(w);
    w.zeros(24); // pre_defined
    w.u32(nextTrackId);
    w.end(at);
  }

  /** creation and modification time (0: unknown), then timescale and duration, in 32 or 64 bits. */
  private static void times(BoxWriter w, boolean v1, long timescale, long duration) {
    if (v1) {
      w.u64(0).u64(0).u32(timescale).u64(duration);
    } else {
      w.u32(0).u32(0).u32(timescale).u32(duration);
    }
  }

  private static void matrix(BoxWriter w) {
    for (int m : UNITY_MATRIX) {
      w.u32(m);
    }
  }

  /**
   * A {@code trak}: {@code tkhd}, the caller's {@code edts} (if any), and {@code mdia} whose
   * {@code stbl} holds an {@code stsd} with one sample entry per description, then the caller's
   * sample tables.
   *
   * @param descriptions the sample descriptions, in stsd order (index 1 first); the first gives
   *     the track's id, kind, timescale and the tkhd size
   * @param movieDuration the tkhd duration, in the movie timescale
   * @param mediaDuration the mdhd duration, in the track's timescale
   * @param edits writes an {@code edts} box, or does nothing
   * @param sampleTables writes stts, stsc, stsz, stco (and ctts, stss) after the stsd
   */
  static void trak(BoxWriter w, List<Fmp4Track> descriptions, long movieDuration, long mediaDuration,
      Consumer<BoxWriter> edits, Consumer<BoxWriter> sampleTables) {
    Fmp4Track t = descriptions.get(0);
    int trak = w.start("trak");
    boolean v1 = movieDuration > 0xFFFFFFFFL;
    int tkhd = w.startFull("tkhd", v1 ? 1 : 0, TKHD_ENABLED_IN_MOVIE);
    if (v1) {
      w.u64(0).u64(0).u32(t.trackId()).u32(0).u64(movieDuration);
    } else {
      w.u32(0).u32(0).u32(t.trackId()).u32(0).u32(movieDuration); // creation, modification, id, reserved, duration
    }
    w.zeros(8).u16(0).u16(t.isVideo() ? 0 : 1); // reserved, layer, alternate_group
    w.u16(t.isVideo() ? 0 : 0x100).u16(0); // volume, reserved
    matrix(w);
    w.u32(t.isVideo() ? (long) t.description().width() << 16 : 0);
    w.u32(t.isVideo() ? (long) t.description().height() << 16 : 0);
    w.end(tkhd);
    edits.accept(w);

    int mdia = w.start("mdia");
    boolean mv1 = mediaDuration > 0xFFFFFFFFL;
    int mdhd = w.startFull("mdhd", mv1 ? 1 : 0, 0);
    times(w, mv1, t.timescale(), mediaDuration);
    w.u16(LANGUAGE_UND).u16(0);
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
    w.u32(descriptions.size());
    for (Fmp4Track d : descriptions) {
      if (d.isVideo()) {
        visualSampleEntry(w, d);
      } else {
        audioSampleEntry(w, d);
      }
    }
    w.end(stsd);
    sampleTables.accept(w);
    w.end(stbl);
    w.end(minf);
    w.end(mdia);
    w.end(trak);
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
