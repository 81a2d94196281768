package io.vidlog.media.fmp4;

import io.vidlog.media.mkv.MkvReader;
import io.vidlog.media.mkv.MkvWriter;
import io.vidlog.media.mkv.SegmentInfo;
import io.vidlog.media.mkv.TrackEntry;
import io.vidlog.media.nal.AvcConfig;
import io.vidlog.media.nal.Fixtures;
import io.vidlog.media.nal.HevcConfig;
import io.vidlog.media.nal.NalUnits;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Stored fragments written in code by {@code MkvWriter}, in the layout fragment-store keeps (EBML
 * header, Segment, Info, Tracks, one Cluster), with real parameter sets from the codec fixtures and
 * deterministic payload bytes.
 */
public final class TestFragments {
  private TestFragments() {}

  /** A frame to write: track, timestamp in ms relative to the cluster, key flag, payload. */
  public record Frame(int track, int relativeMs, boolean key, byte[] payload) {}

  public static byte[] avcConfig(String fixture) {
    byte[] annexB = Fixtures.resource("/codec/" + fixture + ".annexb");
    return AvcConfig.fromNalUnits(NalUnits.splitAnnexB(ByteBuffer.wrap(annexB))).toBytes();
  }

  public static byte[] hevcConfig(String fixture) {
    byte[] annexB = Fixtures.resource("/codec/" + fixture + ".annexb");
    return HevcConfig.fromNalUnits(NalUnits.splitAnnexB(ByteBuffer.wrap(annexB))).toBytes();
  }

  /** AAC LC 48 kHz stereo, as ffmpeg's encoder writes it (codec-golden.txt). */
  public static final byte[] AAC_48K_STEREO = Fixtures.hex("119056e500");
  /** AAC LC 44.1 kHz stereo. */
  public static final byte[] AAC_44K_STEREO = Fixtures.hex("121056e500");

  public static TrackEntry h264(int number, String fixture) {
    return new TrackEntry(number, 100 + number, TrackEntry.TYPE_VIDEO, "V_MPEG/ISO/AVC", "kinesis_video",
        avcConfig(fixture), 0, 0, 0, Double.NaN, 0, 0);
  }

  public static TrackEntry h265(int number, String fixture) {
    return new TrackEntry(number, 100 + number, TrackEntry.TYPE_VIDEO, "V_MPEGH/ISO/HEVC", "kinesis_video",
        hevcConfig(fixture), 0, 0, 0, Double.NaN, 0, 0);
  }

  public static TrackEntry aac(int number, byte[] asc) {
    return new TrackEntry(number, 100 + number, TrackEntry.TYPE_AUDIO, "A_AAC", "kinesis_audio", asc, 0, 0, 0,
        48000, 2, 0);
  }

  /** One fragment: header elements, then one Cluster at {@code clusterMs} holding {@code frames}. */
  public static byte[] fragment(List<TrackEntry> tracks, long clusterMs, List<Frame> frames) {
    MkvWriter w = MkvWriter.KVS;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(w.ebmlHeader());
    out.writeBytes(w.segmentStartUnknownSize());
    out.writeBytes(w.info(new SegmentInfo(SegmentInfo.DEFAULT_TIMECODE_SCALE, Double.NaN, null, "vidlog",
        "vidlog", new byte[16])));
    out.writeBytes(w.tracks(tracks));
    out.writeBytes(w.clusterStart(clusterMs, -1));
    for (Frame f : frames) {
      out.writeBytes(w.simpleBlock(f.track, f.relativeMs, f.key ? MkvWriter.FLAG_KEY : 0, f.payload));
    }
    return out.toByteArray();
  }

  /**
   * {@code count} video frames of a 25 fps stream with B-frames, in decode order: presentation
   * order I0 B1 B2 P3 … is stored as I0 P3 B1 B2 P6 B4 B5 …, the last group closed by a P.
   */
  public static List<Frame> videoWithBFrames(int track, int count, Random rnd) {
    List<Frame> out = new ArrayList<>();
    int[] order = new int[count];
    int n = 0;
    order[n++] = 0;
    for (int p = 3; n < count; p += 3) {
      int anchor = Math.min(p, count - 1);
      order[n++] = anchor;
      for (int b = p - 2; b < anchor && n < count; b++) {
        order[n++] = b;
      }
    }
    for (int i = 0; i < count; i++) {
      out.add(new Frame(track, order[i] * 40, i == 0, payload(rnd, i == 0 ? 3000 : 400 + rnd.nextInt(300))));
    }
    return out;
  }

  /** {@code count} AAC frames of 1024 samples at 48 kHz, timestamps rounded to ms like any MKV muxer. */
  public static List<Frame> audio(int track, int count, long startUs, Random rnd) {
    return audio(track, count, startUs, 48000, rnd);
  }

  /** {@code count} AAC frames of 1024 samples at {@code rate} Hz, timestamps rounded to ms. */
  public static List<Frame> audio(int track, int count, long startUs, int rate, Random rnd) {
    List<Frame> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      long us = startUs + i * 1024L * 1_000_000L / rate;
      out.add(new Frame(track, (int) Math.round(us / 1000.0), true, payload(rnd, 200 + rnd.nextInt(100))));
    }
    return out;
  }

  /** Interleaves by timestamp, keeping each track's own order (a muxer's output). */
  public static List<Frame> interleave(List<Frame> a, List<Frame> b) {
    List<Frame> out = new ArrayList<>();
    int i = 0;
    int j = 0;
    while (i < a.size() || j < b.size()) {
      if (j == b.size() || (i < a.size() && a.get(i).relativeMs <= b.get(j).relativeMs)) {
        out.add(a.get(i++));
      } else {
        out.add(b.get(j++));
      }
    }
    return out;
  }

  /** A payload of {@code size} bytes shaped like one length-prefixed NAL unit (any codec content). */
  public static byte[] payload(Random rnd, int size) {
    byte[] b = new byte[size];
    rnd.nextBytes(b);
    ByteBuffer.wrap(b).putInt(size - 4);
    return b;
  }

  /** Repackages a fragment read in slices of {@code slice} bytes. */
  public static MkvFragmentRepackager read(byte[] mkv, int slice, int... tracks) {
    MkvFragmentRepackager r = new MkvFragmentRepackager(tracks);
    MkvReader reader = new MkvReader(r);
    for (int off = 0; off < mkv.length; off += slice) {
      byte[] copy = java.util.Arrays.copyOfRange(mkv, off, Math.min(mkv.length, off + slice));
      reader.feed(ByteBuffer.wrap(copy)); // a fresh array each time: the repackager must not keep views
      java.util.Arrays.fill(copy, (byte) 0x55);
    }
    reader.end();
    return r;
  }
}
