package io.vidlog.media.fmp4;

import io.vidlog.media.MediaFormatException;
import io.vidlog.media.audio.AudioSpecificConfig;
import io.vidlog.media.mkv.TrackEntry;
import io.vidlog.media.nal.CodecDescription;
import io.vidlog.media.nal.CodecPrivate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * One track of a fragmented MP4, derived only from a Matroska TrackEntry's CodecID and CodecPrivate
 * (what KVS builds its init fragment from, docs/wire-protocol.md §3): the MP4 track_ID is the
 * Matroska TrackNumber, so an init segment and the media segments made from any fragment of the
 * same stream agree without shared state.
 *
 * @param trackId the MP4 track_ID, equal to the Matroska TrackNumber
 * @param description what the codec private data says (codec, size, rate, RFC 6381 string)
 * @param codecConfig the avcC / hvcC record or the AudioSpecificConfig, exactly as the CodecPrivate
 * @param timescale ticks per second of the track's sample times: {@link #VIDEO_TIMESCALE} for video,
 *     the output sample rate for audio
 * @param aacFrameTicks for AAC, the duration of one access unit (1024 or 960 samples of the core
 *     rate) in {@code timescale} ticks, else 0
 */
public record Fmp4Track(int trackId, CodecDescription description, byte[] codecConfig,
    long timescale, long aacFrameTicks) {

  /** 90 kHz, the MPEG clock: exact for every common frame rate, millisecond timestamps included. */
  public static final long VIDEO_TIMESCALE = 90_000;

  public Fmp4Track {
    if (trackId <= 0) {
      throw new IllegalArgumentException("track_ID " + trackId + " (must be positive)");
    }
    if (timescale <= 0 || timescale > 0xFFFFFFFFL) {
      throw new IllegalArgumentException("timescale " + timescale);
    }
    codecConfig = codecConfig.clone();
  }

  /**
   * The track a TrackEntry describes.
   *
   * @throws MediaFormatException UNSUPPORTED (format MKV) for a CodecID other than H.264, H.265 or
   *     AAC; MALFORMED (format H264, H265 or AAC) for CodecPrivate that is missing or unreadable:
   *     {@link #missingCodecPrivate(TrackEntry)} tells the two MALFORMED cases apart
   */
  public static Fmp4Track of(TrackEntry entry) {
    CodecDescription d = CodecPrivate.describe(entry.codecId(), entry.codecPrivate());
    byte[] config = entry.codecPrivate();
    if (d.isVideo()) {
      return new Fmp4Track(entry.trackNumber(), d, config, VIDEO_TIMESCALE, 0);
    }
    AudioSpecificConfig asc = AudioSpecificConfig.parse(config);
    long timescale = d.sampleRate();
    long samples = asc.frameLength960() ? 960 : 1024;
    // one access unit is 1024 (960) samples of the core rate; at the SBR output rate that is twice as many
    long ticks = samples * timescale % asc.sampleRate() == 0 ? samples * timescale / asc.sampleRate() : 0;
    return new Fmp4Track(entry.trackNumber(), d, config, timescale, ticks);
  }

  /** {@link #of} for every entry, in order. */
  public static List<Fmp4Track> of(List<TrackEntry> entries) {
    List<Fmp4Track> out = new ArrayList<>(entries.size());
    for (TrackEntry e : entries) {
      out.add(of(e));
    }
    return List.copyOf(out);
  }

  /** The avcC / hvcC record or the AudioSpecificConfig (a copy). */
  @Override
  public byte[] codecConfig() {
    return codecConfig.clone();
  }

  /** True when the entry has no CodecPrivate at all (KVS: MissingCodecPrivateData). */
  public static boolean missingCodecPrivate(TrackEntry entry) {
    return entry.codecPrivate() == null || entry.codecPrivate().length == 0;
  }

  public boolean isVideo() {
    return description.isVideo();
  }

  /** The RFC 6381 codecs value of the track, for an HLS CODECS attribute (RFC 8216 §4.3.4.2). */
  public String codecString() {
    return description.codecString();
  }

  /** The HLS RESOLUTION value ({@code 1280x720}) of a video track, null for audio. */
  public String resolution() {
    return isVideo() ? description.width() + "x" + description.height() : null;
  }

  /** Frames per second from the SPS VUI timing, NaN when absent (always for H.265 and audio). */
  public double frameRate() {
    return description.frameRate();
  }

  /**
   * The HLS CODECS attribute value for these tracks (RFC 8216 §4.3.4.2): their codec strings,
   * comma-separated, video first.
   */
  public static String hlsCodecs(List<Fmp4Track> tracks) {
    StringBuilder s = new StringBuilder();
    for (boolean video : new boolean[] {true, false}) {
      for (Fmp4Track t : tracks) {
        if (t.isVideo() == video) {
          s.append(s.length() == 0 ? "" : ",").append(t.codecString());
        }
      }
    }
    return s.toString();
  }

  /**
   * An HLS FRAME-RATE value (RFC 8216 §4.3.4.2: decimal-floating-point rounded to three decimal
   * places), e.g. {@code 29.970}; null when {@code fps} is not a positive finite number.
   */
  public static String hlsFrameRate(double fps) {
    if (!(fps > 0) || Double.isInfinite(fps)) {
      return null;
    }
    return String.format(Locale.ROOT, "%.3f", fps);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Fmp4Track t && trackId == t.trackId && timescale == t.timescale
        && aacFrameTicks == t.aacFrameTicks && description.equals(t.description)
        && Arrays.equals(codecConfig, t.codecConfig);
  }

  @Override
  public int hashCode() {
    return 31 * Integer.hashCode(trackId) + Arrays.hashCode(codecConfig);
  }

  @Override
  public String toString() {
    return "Fmp4Track[" + trackId + " " + codecString() + " timescale " + timescale + "]";
  }
}
