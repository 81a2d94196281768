package io.vidlog.media.ts;

import io.vidlog.media.audio.AudioSpecificConfig;
import io.vidlog.media.audio.SampleRates;
import io.vidlog.media.fmp4.Fmp4Track;
import io.vidlog.media.nal.AvcConfig;
import io.vidlog.media.nal.CodecDescription;
import io.vidlog.media.nal.HevcConfig;
import io.vidlog.media.nal.NalUnits;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One MPEG-2 transport stream segment (ISO/IEC 13818-1; RFC 8216 §3.2 for HLS) of one fragment,
 * all its tracks muxed: PAT and PMT first, then one PES packet per frame in the fragment's order.
 * H.264 (stream_type 0x1B) and H.265 (0x24) frames become Annex-B access units that start with an
 * access unit delimiter, the parameter sets in front of every key frame (ISO/IEC 14496-10 §7.4.1.2.3;
 * a segment must decode on its own); AAC frames (0x0F) get an ADTS header each (ISO/IEC 14496-3
 * §1.A.2). Other tracks are left out.
 *
 * <p>Timing, 90 kHz, 33 bits (wrapping as the standard says): presentation times are the frame
 * timestamps plus the time offset; video decode times run ahead by the fragment's B-frame
 * reordering delay, as in the fMP4 segments (so segments of one stream line up whichever container
 * a session uses). The PCR rides on the video PID (the audio PID without video) at each PES start,
 * {@link #PCR_LEAD_TICKS} before that frame's decode time. Continuity counters start at 0 in every
 * segment with the discontinuity_indicator set, since each segment is made on its own.
 *
 * <p>Frames are added in decode order; their payloads are copied at once. One builder makes one
 * segment; not thread-safe.
 */
public final class TsSegmentBuilder {
  /** The PCR runs this far (0.5 s) ahead of the decode times: every PES arrives before it is due. */
  static final long PCR_LEAD_TICKS = 45_000;
  static final int VIDEO_PID = 0x100;
  static final int AUDIO_PID = 0x101;
  private static final long CLOCK = 90_000;
  private static final long WRAP = 1L << 33;
  private static final byte[] START_CODE = {0, 0, 0, 1};

  private final Map<Integer, Track> tracks = new LinkedHashMap<>();
  private final List<Frame> frames = new ArrayList<>();
  private final ByteArrayOutputStream payloads = new ByteArrayOutputStream();
  private boolean built;

  private record Frame(Track track, long ptsNs, boolean key, int offset, int length) {}

  /** One elementary stream. */
  private static final class Track {
    final Fmp4Track track;
    final int pid;
    final int streamType;
    final byte[] parameterSets;
    final byte[] accessUnitDelimiter;
    final int nalLengthSize;
    final AudioSpecificConfig asc;

    Track(Fmp4Track t, int pid) {
      this.track = t;
      this.pid = pid;
      CodecDescription d = t.description();
      switch (d.codec()) {
        case H264 -> {
          AvcConfig c = AvcConfig.parse(t.codecConfig());
          streamType = 0x1B;
          parameterSets = annexB(c.sps(), c.pps());
          accessUnitDelimiter = new byte[] {0, 0, 0, 1, 0x09, (byte) 0xF0}; // primary_pic_type 7: any slice
          nalLengthSize = c.lengthSize();
          asc = null;
        }
        case H265 -> {
          HevcConfig c = HevcConfig.parse(t.codecConfig());
          streamType = 0x24;
          parameterSets = annexB(c.nals(NalUnits.H265_VPS), c.nals(NalUnits.H265_SPS), c.nals(NalUnits.H265_PPS));
          accessUnitDelimiter = new byte[] {0, 0, 0, 1, 0x46, 0x01, 0x50}; // AUD_NUT 35, pic_type 2
          nalLengthSize = d.nalLengthSize();
          asc = null;
        }
        default -> {
          streamType = 0x0F;
          parameterSets = null;
          accessUnitDelimiter = null;
          nalLengthSize = 0;
          asc = AudioSpecificConfig.parse(t.codecConfig());
        }
      }
    }

    boolean video() {
      return asc == null;
    }

    @SafeVarargs
    private static byte[] annexB(List<byte[]>... lists) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      for (List<byte[]> list : lists) {
        for (byte[] nal : list) {
          b.writeBytes(START_CODE);
          b.writeBytes(nal);
        }
      }
      return b.toByteArray();
    }
  }

  /**
   * A builder for a segment of these tracks (video first, then audio, in the given order; at most
   * one of each kind: the first video and the first audio track are taken); frames of other tracks
   * are ignored.
   */
  public TsSegmentBuilder(List<Fmp4Track> candidates) {
    Fmp4Track video = null;
    Fmp4Track audio = null;
    for (Fmp4Track t : candidates) {
      if (t.isVideo() && video == null) {
        video = t;
      } else if (!t.isVideo() && audio == null) {
        audio = t;
      }
    }
    if (video != null) {
      tracks.put(video.trackId(), new Track(video, VIDEO_PID));
    }
    if (audio != null) {
      tracks.put(audio.trackId(), new Track(audio, AUDIO_PID));
    }
    if (tracks.isEmpty()) {
      throw new IllegalArgumentException("a transport stream segment needs a video or an audio track");
    }
  }

  /** Track numbers the segment carries. */
  public List<Integer> trackIds() {
    return List.copyOf(tracks.keySet());
  }

  /** Adds a frame in decode order; its payload (length-prefixed NAL units, or a raw AAC frame) is copied. */
  public void add(int trackId, long ptsNs, boolean key, ByteBuffer payload) {
    if (built) {
      throw new IllegalStateException("segment already built");
    }
    Track t = tracks.get(trackId);
    if (t == null) {
      return;
    }
    int offset = payloads.size();
    ByteBuffer p = payload.duplicate();
    byte[] copy = new byte[p.remaining()];
    p.get(copy);
    payloads.writeBytes(copy);
    frames.add(new Frame(t, ptsNs, key || !t.video(), offset, copy.length));
  }

  /**
   * Renders the segment with {@code timeOffsetNs} added to every timestamp.
   *
   * @throws io.vidlog.media.MediaFormatException for a video frame that is not length-prefixed NAL units
   */
  public byte[] build(long timeOffsetNs) {
    if (built) {
      throw new IllegalStateException("segment already built");
    }
    built = true;
    byte[] data = payloads.toByteArray();
    Map<Track, Long> delay = reorderingDelays(timeOffsetNs);
    Track pcrTrack = tracks.values().iterator().next(); // video when there is one
    TsPackets out = new TsPackets(data.length + data.length / 16 + 2 * TsPackets.SIZE);
    byte[] pat = Psi.pat();
    out.write(Psi.PAT_PID, pat, 0, pat.length, -1, false, true);
    List<Psi.Stream> streams = new ArrayList<>();
    for (Track t : tracks.values()) {
      streams.add(new Psi.Stream(t.streamType, t.pid));
    }
    byte[] pmt = Psi.pmt(pcrTrack.pid, streams);
    out.write(Psi.PMT_PID, pmt, 0, pmt.length, -1, false, true);

    Map<Track, long[]> dts = decodeTimes(timeOffsetNs, delay);
    Map<Track, Integer> next = new LinkedHashMap<>();
    for (Frame f : frames) {
      Track t = f.track();
      int i = next.merge(t, 1, Integer::sum) - 1;
      long pts = ticks(f.ptsNs() + timeOffsetNs);
      long decode = dts.get(t)[i];
      byte[] es = t.video() ? accessUnit(t, f, data) : adts(t, data, f.offset(), f.length());
      byte[] pes = pes(t.video() ? 0xE0 : 0xC0, pts, decode, es, t.video());
      long pcr = t == pcrTrack ? Math.floorMod(decode - PCR_LEAD_TICKS, WRAP) : -1;
      out.write(t.pid, pes, 0, pes.length, pcr, f.key() && t.video(), false);
    }
    return out.toByteArray();
  }

  /** Per video track, the smallest shift that leaves no frame presented before it is decoded. */
  private Map<Track, Long> reorderingDelays(long offsetNs) {
    Map<Track, Long> out = new LinkedHashMap<>();
    for (Track t : tracks.values()) {
      long[] pts = pts(t, offsetNs);
      long[] sorted = pts.clone();
      Arrays.sort(sorted);
      long delay = 0;
      for (int i = 0; i < pts.length; i++) {
        delay = Math.max(delay, sorted[i] - pts[i]);
      }
      out.put(t, t.video() ? delay : 0);
    }
    return out;
  }

  /** Decode times: the k-th smallest presentation time of the track, moved earlier by its delay. */
  private Map<Track, long[]> decodeTimes(long offsetNs, Map<Track, Long> delay) {
    Map<Track, long[]> out = new LinkedHashMap<>();
    for (Track t : tracks.values()) {
      long[] sorted = pts(t, offsetNs);
      Arrays.sort(sorted);
      for (int i = 0; i < sorted.length; i++) {
        sorted[i] -= delay.get(t);
      }
      out.put(t, sorted);
    }
    return out;
  }

  private long[] pts(Track t, long offsetNs) {
    return frames.stream().filter(f -> f.track() == t).mapToLong(f -> ticks(f.ptsNs() + offsetNs)).toArray();
  }

  /** ns → 90 kHz ticks, rounded to nearest, without overflow for epoch times. */
  static long ticks(long ns) {
    long seconds = Math.floorDiv(ns, 1_000_000_000L);
    long rem = Math.floorMod(ns, 1_000_000_000L);
    return seconds * CLOCK + (rem * CLOCK + 500_000_000L) / 1_000_000_000L;
  }

  /** AUD, parameter sets before a key frame, then the frame's NAL units with start codes. */
  private static byte[] accessUnit(Track t, Frame f, byte[] data) {
    List<ByteBuffer> nals = NalUnits.splitAvcc(ByteBuffer.wrap(data, f.offset(), f.length()).slice(), t.nalLengthSize);
    ByteArrayOutputStream b = new ByteArrayOutputStream(f.length() + 64);
    b.writeBytes(t.accessUnitDelimiter);
    if (f.key()) {
      b.writeBytes(t.parameterSets);
    }
    for (ByteBuffer nal : nals) {
      b.writeBytes(START_CODE);
      byte[] n = new byte[nal.remaining()];
      nal.get(n);
      b.writeBytes(n);
    }
    return b.toByteArray();
  }

  /** An ADTS header (no CRC) for the track's AudioSpecificConfig, then the raw frame. */
  private static byte[] adts(Track t, byte[] data, int offset, int length) {
    int frameLength = 7 + length;
    if (frameLength > 0x1FFF) {
      throw new IllegalArgumentException("an AAC frame of " + length + " bytes does not fit ADTS's 13-bit length");
    }
    int profile = Math.max(0, Math.min(3, t.asc.audioObjectType() - 1));
    int rateIndex = SampleRates.index(t.asc.sampleRate());
    int channels = t.asc.channelConfig();
    byte[] out = new byte[frameLength];
    out[0] = (byte) 0xFF;
    out[1] = (byte) 0xF1; // syncword, MPEG-4, layer 0, protection_absent
    out[2] = (byte) (profile << 6 | rateIndex << 2 | channels >> 2 & 1);
    out[3] = (byte) ((channels & 3) << 6 | frameLength >> 11);
    out[4] = (byte) (frameLength >> 3);
    out[5] = (byte) ((frameLength & 7) << 5 | 0x1F); // buffer fullness 0x7FF: variable rate
    out[6] = (byte) 0xFC; // fullness continued, one raw data block
    System.arraycopy(data, offset, out, 7, length);
    return out;
  }

  /** A PES packet (§2.4.3.6) with PTS, and DTS where it differs; video leaves PES_packet_length 0. */
  private static byte[] pes(int streamId, long pts, long dts, byte[] es, boolean video) {
    boolean withDts = dts != pts;
    int headerData = withDts ? 10 : 5;
    int afterLength = 3 + headerData + es.length;
    byte[] out = new byte[6 + afterLength];
    out[2] = 1; // packet_start_code_prefix 0x000001
    out[3] = (byte) streamId;
    int length = video || afterLength > 0xFFFF ? 0 : afterLength;
    out[4] = (byte) (length >> 8);
    out[5] = (byte) length;
    out[6] = (byte) 0x84; // '10', data_alignment_indicator
    out[7] = (byte) (withDts ? 0xC0 : 0x80);
    out[8] = (byte) headerData;
    timestamp(out, 9, withDts ? 0x3 : 0x2, pts);
    if (withDts) {
      timestamp(out, 14, 0x1, dts);
    }
    System.arraycopy(es, 0, out, 9 + headerData, es.length);
    return out;
  }

  /** A 33-bit timestamp in five bytes with marker bits (§2.4.3.7). */
  private static void timestamp(byte[] b, int at, int prefix, long t) {
    long v = Math.floorMod(t, WRAP);
    b[at] = (byte) (prefix << 4 | (v >>> 30 & 0x7) << 1 | 1);
    b[at + 1] = (byte) (v >>> 22);
    b[at + 2] = (byte) ((v >>> 15 & 0x7F) << 1 | 1);
    b[at + 3] = (byte) (v >>> 7);
    b[at + 4] = (byte) ((v & 0x7F) << 1 | 1);
  }
}
