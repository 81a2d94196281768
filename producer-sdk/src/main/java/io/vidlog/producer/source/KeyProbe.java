package io.vidlog.producer.source;

import io.vidlog.media.MediaFormatException;
import io.vidlog.media.mkv.TrackEntry;
import io.vidlog.media.nal.CodecDescription;
import io.vidlog.media.nal.CodecPrivate;
import io.vidlog.media.nal.NalUnits;
import java.nio.ByteBuffer;

/**
 * Tells whether a frame of a track holds a picture a decoder can start at: an H.264 IDR (ITU-T
 * H.264 §7.4.1.2.4) or an H.265 IRAP (ITU-T H.265 §7.4.2.2), found from the NAL unit types with
 * the track's NAL length size. Other codecs have no such picture here.
 */
record KeyProbe(CodecDescription.Codec codec, int nalLengthSize) {
  private static final KeyProbe NONE = new KeyProbe(null, 0);

  static KeyProbe of(TrackEntry track) {
    String id = CodecPrivate.canonicalCodecId(track.codecId());
    if (!CodecPrivate.AVC.equals(id) && !CodecPrivate.HEVC.equals(id)) {
      return NONE;
    }
    try {
      CodecDescription d = CodecPrivate.describe(track.codecId(), track.codecPrivate());
      return new KeyProbe(d.codec(), d.nalLengthSize());
    } catch (MediaFormatException e) {
      return NONE; // no usable CodecPrivate: the container's key flags decide
    }
  }

  boolean startsPicture(ByteBuffer frame) {
    if (codec == null) {
      return false;
    }
    try {
      return codec == CodecDescription.Codec.H264 ? NalUnits.isH264Idr(frame, nalLengthSize)
          : NalUnits.isH265Irap(frame, nalLengthSize);
    } catch (MediaFormatException e) {
      return false; // not NAL units of that length size: the container's key flag decides
    }
  }
}
