package io.vidlog.media.nal;

import static io.vidlog.media.MediaFormatException.Format.NAL;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * NAL unit iteration and one-shot conversions for whole frames held in memory: AVCC
 * (length-prefixed, ISO/IEC 14496-15 §5.3.2) and Annex-B (start codes, H.264 Annex B), plus NAL
 * header accessors for H.264 (1-byte header) and H.265 (2-byte header).
 */
public final class NalUnits {
  /** H.264 nal_unit_type values (Table 7-1) vidlog cares about. */
  public static final int H264_IDR = 5;
  public static final int H264_SPS = 7;
  public static final int H264_PPS = 8;
  /** H.265 nal_unit_type values (Table 7-1). */
  public static final int H265_BLA_W_LP = 16;
  public static final int H265_CRA = 21;
  public static final int H265_VPS = 32;
  public static final int H265_SPS = 33;
  public static final int H265_PPS = 34;

  private NalUnits() {}

  static void checkLengthSize(int lengthSize) {
    if (lengthSize != 1 && lengthSize != 2 && lengthSize != 4) {
      throw NAL.unsupported(0, "NAL length size " + lengthSize + " (want 1, 2 or 4)");
    }
  }

  /**
   * The NAL units of an AVCC frame, as views of {@code frame} (its position is not moved). A length
   * running past the end is MALFORMED with the offset of the length field.
   */
  public static List<ByteBuffer> splitAvcc(ByteBuffer frame, int lengthSize) {
    checkLengthSize(lengthSize);
    List<ByteBuffer> nals = new ArrayList<>();
    int pos = frame.position();
    int end = frame.limit();
    while (pos < end) {
      if (end - pos < lengthSize) {
        throw NAL.malformed(pos - frame.position(), "truncated NAL length field");
      }
      long len = 0;
      for (int i = 0; i < lengthSize; i++) {
        len = (len << 8) | (frame.get(pos + i) & 0xFF);
      }
      if (len > end - pos - lengthSize) {
        throw NAL.malformed(pos - frame.position(),
            "NAL length " + len + " runs past the frame end (" + (end - pos - lengthSize) + " left)");
      }
      nals.add(frame.slice(pos + lengthSize, (int) len));
      pos += lengthSize + (int) len;
    }
    return nals;
  }

  /** The NAL units of an Annex-B byte stream, without start codes or trailing zeros, as copies. */
  public static List<ByteBuffer> splitAnnexB(ByteBuffer annexB) {
    ByteBuffer avcc = toAvcc(annexB);
    return splitAvcc(avcc, 4);
  }

  /** Whole-frame Annex-B → AVCC with 4-byte lengths; {@code annexB}'s position is not moved. */
  public static ByteBuffer toAvcc(ByteBuffer annexB) {
    AnnexBToAvcc c = new AnnexBToAvcc(Integer.MAX_VALUE - 16);
    c.push(annexB.duplicate());
    return c.finish();
  }

  /** Whole-frame AVCC → Annex-B with 4-byte start codes; {@code avcc}'s position is not moved. */
  public static ByteBuffer toAnnexB(ByteBuffer avcc, int lengthSize) {
    List<ByteBuffer> nals = splitAvcc(avcc, lengthSize);
    int total = 0;
    for (ByteBuffer n : nals) {
      total = Math.addExact(total, 4 + n.remaining());
    }
    ByteBuffer out = ByteBuffer.allocate(total);
    for (ByteBuffer n : nals) {
      out.putInt(1).put(n.duplicate());
    }
    return out.flip();
  }

  /** Builds an AVCC frame (4-byte lengths) from NAL units. */
  public static ByteBuffer joinAvcc(List<ByteBuffer> nals) {
    int total = 0;
    for (ByteBuffer n : nals) {
      total = Math.addExact(total, 4 + n.remaining());
    }
    ByteBuffer out = ByteBuffer.allocate(total);
    for (ByteBuffer n : nals) {
      out.putInt(n.remaining()).put(n.duplicate());
    }
    return out.flip();
  }

  /** nal_unit_type of an H.264 NAL unit whose header starts at {@code nal.position()}. */
  public static int h264Type(ByteBuffer nal) {
    return nal.get(nal.position()) & 0x1F;
  }

  /** nal_unit_type of an H.265 NAL unit whose header starts at {@code nal.position()}. */
  public static int h265Type(ByteBuffer nal) {
    return (nal.get(nal.position()) >> 1) & 0x3F;
  }

  /** True when an AVCC H.264 frame contains an IDR slice. */
  public static boolean isH264Idr(ByteBuffer avccFrame, int lengthSize) {
    for (ByteBuffer n : splitAvcc(avccFrame, lengthSize)) {
      if (n.hasRemaining() && h264Type(n) == H264_IDR) {
        return true;
      }
    }
    return false;
  }

  /** True when an AVCC H.265 frame contains an IRAP picture (types 16..23, H.265 §7.4.2.2). */
  public static boolean isH265Irap(ByteBuffer avccFrame, int lengthSize) {
    for (ByteBuffer n : splitAvcc(avccFrame, lengthSize)) {
      if (n.hasRemaining()) {
        int t = h265Type(n);
        if (t >= H265_BLA_W_LP && t <= 23) {
          return true;
        }
      }
    }
    return false;
  }
}
