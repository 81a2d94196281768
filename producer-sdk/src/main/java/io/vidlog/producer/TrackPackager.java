package io.vidlog.producer;

import io.vidlog.media.MediaFormatException;
import io.vidlog.media.audio.AudioSpecificConfig;
import io.vidlog.media.mkv.TrackEntry;
import io.vidlog.media.nal.AnnexBToAvcc;
import io.vidlog.media.nal.AvcConfig;
import io.vidlog.media.nal.H264Sps;
import io.vidlog.media.nal.H265Sps;
import io.vidlog.media.nal.HevcConfig;
import io.vidlog.media.nal.NalUnits;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * Turns one track's frames into what Matroska stores (ISO/IEC 14496-15 for H.264/H.265: NAL units
 * with 4-byte length prefixes; AAC raw) and keeps the track's CodecPrivate and picture size. For an
 * Annex-B video track without a given CodecPrivate, the decoder configuration record is built from the
 * parameter sets of each key frame that carries them, so a change of resolution or profile mid-stream
 * yields a new TrackEntry (and the producer starts a new MKV header). Not thread-safe; the engine
 * calls it under its lock.
 */
final class TrackPackager {
  /** KVS refuses fragments over 50 MB (docs/wire-protocol.md §1.4); no frame can be larger. */
  static final int MAX_FRAME_BYTES = 50 * 1024 * 1024;

  private final TrackConfig config;
  private final boolean derive;
  private final AnnexBToAvcc toAvcc = new AnnexBToAvcc(MAX_FRAME_BYTES);
  private byte[] codecPrivate;
  private TrackEntry entry;
  private long lastDtsMs = Long.MIN_VALUE;

  TrackPackager(TrackConfig config) {
    this.config = config;
    this.derive = config.codec().isVideo() && config.nalFormat() == NalFormat.ANNEX_B && config.codecPrivate() == null;
    if (!derive) {
      setCodecPrivate(config.codecPrivate());
    }
  }

  int trackNumber() {
    return config.trackNumber();
  }

  TrackConfig config() {
    return config;
  }

  /** The TrackEntry for the MKV header, or null while the CodecPrivate is not known yet. */
  TrackEntry entry() {
    return entry;
  }

  /**
   * The frame as stored; may update {@link #entry()} (a key frame with new parameter sets).
   *
   * @throws IllegalArgumentException when the bytes are not what the track's format says, or decode
   *     time goes back
   */
  byte[] package_(long dtsMs, boolean keyFrame, byte[] data) {
    if (data == null || data.length == 0) {
      throw new IllegalArgumentException("track " + trackNumber() + ": empty frame");
    }
    if (dtsMs < lastDtsMs) {
      throw new IllegalArgumentException("track " + trackNumber() + ": decode time " + dtsMs
          + " ms is before the previous frame's " + lastDtsMs + " ms (give frames in decode order)");
    }
    byte[] out;
    try {
      out = switch (config.codec()) {
        case H264, H265 -> video(keyFrame, data);
        case AAC -> data.clone();
      };
    } catch (MediaFormatException e) {
      throw new IllegalArgumentException("track " + trackNumber() + ": not " + config.nalFormat() + " "
          + config.codec() + " data: " + e.getMessage(), e);
    }
    lastDtsMs = dtsMs;
    return out;
  }

  private byte[] video(boolean keyFrame, byte[] data) {
    if (config.nalFormat() == NalFormat.AVCC) {
      NalUnits.splitAvcc(ByteBuffer.wrap(data), 4); // checks the framing
      return data.clone();
    }
    toAvcc.push(ByteBuffer.wrap(data));
    ByteBuffer avcc = toAvcc.finish();
    byte[] out = avcc.array().length == avcc.remaining() ? avcc.array() : Arrays.copyOfRange(avcc.array(),
        avcc.arrayOffset() + avcc.position(), avcc.arrayOffset() + avcc.limit());
    if (derive && keyFrame) {
      List<ByteBuffer> nals = NalUnits.splitAvcc(ByteBuffer.wrap(out), 4);
      byte[] cp = hasParameterSets(nals) ? (config.codec() == Codec.H264 ? AvcConfig.fromNalUnits(nals).toBytes()
          : HevcConfig.fromNalUnits(nals).toBytes()) : null;
      if (cp != null && !Arrays.equals(cp, codecPrivate)) {
        setCodecPrivate(cp);
      }
    }
    return out;
  }

  private boolean hasParameterSets(List<ByteBuffer> nals) {
    boolean sps = false;
    for (ByteBuffer n : nals) {
      if (config.codec() == Codec.H264 ? NalUnits.h264Type(n) == NalUnits.H264_SPS
          : n.remaining() >= 2 && NalUnits.h265Type(n) == NalUnits.H265_SPS) {
        sps = true;
      }
    }
    return sps;
  }

  private void setCodecPrivate(byte[] cp) {
    codecPrivate = cp;
    int width = 0;
    int height = 0;
    double rate = Double.NaN;
    int channels = 0;
    switch (config.codec()) {
      case H264 -> {
        H264Sps s = AvcConfig.parse(cp).parsedSps();
        width = s.width();
        height = s.height();
      }
      case H265 -> {
        H265Sps s = HevcConfig.parse(cp).parsedSps();
        width = s.width();
        height = s.height();
      }
      case AAC -> {
        AudioSpecificConfig a = AudioSpecificConfig.parse(cp);
        rate = a.outputSampleRate();
        channels = a.channels();
      }
      default -> throw new IllegalStateException(config.codec().toString());
    }
    // TrackUID: any non-zero value unique in the file (RFC 9559 §5.1.4.1.2); the number keeps it stable
    entry = new TrackEntry(config.trackNumber(), config.trackNumber(), config.codec().trackType(),
        config.codec().codecId(), config.name(), cp, 0, width, height, rate, channels, 0);
  }
}
