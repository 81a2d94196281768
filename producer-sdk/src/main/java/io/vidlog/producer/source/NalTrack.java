package io.vidlog.producer.source;

import io.vidlog.media.MediaFormatException;
import io.vidlog.media.mkv.TrackEntry;
import io.vidlog.media.nal.AvcConfig;
import io.vidlog.media.nal.CodecPrivate;
import io.vidlog.media.nal.HevcConfig;
import io.vidlog.media.nal.NalUnits;
import java.nio.ByteBuffer;

/**
 * How a file track's frames are framed, and their conversion to the form sources hand out: H.264
 * and H.265 samples may use 1-, 2- or 4-byte NAL lengths (ISO/IEC 14496-15 §5.3.2, the record's
 * lengthSizeMinusOne); {@link SourceFrame}s always carry 4-byte lengths, so the track's record is
 * rewritten to say 4 and the frames re-framed when a file uses less. Also tells whether a frame
 * holds a picture a decoder can start at: an H.264 IDR (ITU-T H.264 §7.4.1.2.4) or an H.265 IRAP
 * (ITU-T H.265 §7.4.2.2). Other codecs pass through untouched.
 */
final class NalTrack {
  private enum Kind { H264, H265, OTHER }

  private static final int LENGTH_SIZE = 4;

  private final Kind kind;
  private final int lengthSize;
  private final TrackEntry track;

  private NalTrack(Kind kind, int lengthSize, TrackEntry track) {
    this.kind = kind;
    this.lengthSize = lengthSize;
    this.track = track;
  }

  /**
   * Reads the track's record. A video track without a readable record passes through as it is (its
   * container's key flags decide, and the producer refuses what it cannot carry, naming it).
   */
  static NalTrack of(TrackEntry t) {
    String id = CodecPrivate.canonicalCodecId(t.codecId());
    try {
      if (CodecPrivate.AVC.equals(id)) {
        AvcConfig c = AvcConfig.parse(t.codecPrivate());
        AvcConfig four = new AvcConfig(c.profileIdc(), c.profileCompatibility(), c.levelIdc(), LENGTH_SIZE, c.sps(),
            c.pps(), c.chromaFormat(), c.bitDepthLuma(), c.bitDepthChroma(), c.spsExt());
        return new NalTrack(Kind.H264, c.lengthSize(), c.lengthSize() == LENGTH_SIZE ? t : withPrivate(t, four.toBytes()));
      }
      if (CodecPrivate.HEVC.equals(id)) {
        HevcConfig c = HevcConfig.parse(t.codecPrivate());
        HevcConfig four = new HevcConfig(c.profile(), c.minSpatialSegmentation(), c.parallelismType(),
            c.chromaFormat(), c.bitDepthLuma(), c.bitDepthChroma(), c.avgFrameRate(), c.constantFrameRate(),
            c.numTemporalLayers(), c.temporalIdNested(), LENGTH_SIZE, c.arrays());
        return new NalTrack(Kind.H265, c.lengthSize(), c.lengthSize() == LENGTH_SIZE ? t : withPrivate(t, four.toBytes()));
      }
    } catch (MediaFormatException | NullPointerException e) {
      // no usable record: handed on as it is
    }
    return new NalTrack(Kind.OTHER, 0, t);
  }

  /** The track as sources describe it (4-byte NAL lengths in its record). */
  TrackEntry track() {
    return track;
  }

  /** The frame with 4-byte NAL lengths (the same buffer when it has them). */
  ByteBuffer frame(ByteBuffer data, long offset) {
    if (kind == Kind.OTHER || lengthSize == LENGTH_SIZE) {
      return data;
    }
    try {
      return NalUnits.joinAvcc(NalUnits.splitAvcc(data, lengthSize));
    } catch (MediaFormatException e) {
      throw new MediaFormatException(e.format(), e.kind(), offset, "frame of track " + track.trackNumber()
          + " is not NAL units with " + lengthSize + "-byte lengths: " + e.detail(), e);
    }
  }

  /** Whether a frame (4-byte NAL lengths) holds an IDR/IRAP picture. */
  boolean startsPicture(ByteBuffer frame) {
    try {
      return switch (kind) {
        case H264 -> NalUnits.isH264Idr(frame, LENGTH_SIZE);
        case H265 -> NalUnits.isH265Irap(frame, LENGTH_SIZE);
        case OTHER -> false;
      };
    } catch (MediaFormatException e) {
      return false; // not NAL units: the container's key flag decides
    }
  }

  private static TrackEntry withPrivate(TrackEntry t, byte[] codecPrivate) {
    return new TrackEntry(t.trackNumber(), t.trackUid(), t.trackType(), t.codecId(), t.name(), codecPrivate,
        t.defaultDurationNs(), t.pixelWidth(), t.pixelHeight(), t.samplingFrequency(), t.channels(), t.bitDepth());
  }
}
