package io.vidlog.media.nal;

import static io.vidlog.media.MediaFormatException.Format.NAL;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Push-driven Annex-B → AVCC converter for one access unit (frame) at a time. Feed the frame's bytes
 * as {@link ByteBuffer} slices of any size with {@link #push}, then {@link #finish()} returns the
 * frame with every NAL unit prefixed by its 4-byte big-endian length (ISO/IEC 14496-15 §5.3.2, the
 * form Matroska and MP4 carry). Start codes ({@code 00 00 01} and {@code 00 00 00 01}, H.264
 * Annex B.2) may be split anywhere across slices. Trailing zero bytes before a start code and at the
 * end of the frame (trailing_zero_8bits) are dropped; emulation-prevention bytes are kept untouched.
 *
 * <p>The output size is bounded by {@code maxFrameBytes}; a frame over it fails with UNSUPPORTED
 * before more memory is taken. Not thread-safe; reusable after {@code finish()} or {@link #reset()}.
 */
public final class AnnexBToAvcc {
  private final int maxFrameBytes;
  private byte[] out = new byte[256];
  private int size;
  /** Where the current NAL's 4-byte length field starts, or -1 before the first start code. */
  private int nalStart = -1;
  /** Zero bytes seen but not yet written: they may belong to the next start code. */
  private long pendingZeros;
  private long inputOffset;

  public AnnexBToAvcc(int maxFrameBytes) {
    if (maxFrameBytes < 0) {
      throw new IllegalArgumentException("maxFrameBytes " + maxFrameBytes);
    }
    this.maxFrameBytes = maxFrameBytes;
  }

  /** Consumes all remaining bytes of {@code slice} (its position advances to its limit). */
  public void push(ByteBuffer slice) {
    while (slice.hasRemaining()) {
      if (pendingZeros == 0 && nalStart >= 0) {
        // Fast path: a run of non-zero bytes inside a NAL unit cannot hold a start code.
        int from = slice.position();
        int to = from;
        int lim = slice.limit();
        while (to < lim && slice.get(to) != 0) {
          to++;
        }
        if (to > from) {
          int n = to - from;
          ensure(n);
          slice.get(out, size, n);
          size += n;
          inputOffset += n;
          continue;
        }
      }
      int b = slice.get() & 0xFF;
      if (b == 0) {
        pendingZeros++;
      } else if (b == 1 && pendingZeros >= 2) {
        closeNal();
        pendingZeros = 0;
        nalStart = size;
        ensure(4);
        size += 4;
      } else {
        if (nalStart < 0) {
          throw NAL.malformed(inputOffset, "Annex-B data before the first start code");
        }
        ensure(pendingZeros + 1);
        for (; pendingZeros > 0; pendingZeros--) {
          out[size++] = 0;
        }
        out[size++] = (byte) b;
      }
      inputOffset++;
    }
  }

  /**
   * Ends the frame and returns it in AVCC form (a fresh array, wrapped). An input without any start
   * code, or with only empty NAL units, is MALFORMED.
   */
  public ByteBuffer finish() {
    closeNal();
    if (size == 0) {
      long at = inputOffset;
      reset();
      throw NAL.malformed(at, "Annex-B frame without any NAL unit");
    }
    ByteBuffer frame = ByteBuffer.wrap(Arrays.copyOf(out, size));
    reset();
    return frame;
  }

  /** Forgets any partial frame. */
  public void reset() {
    size = 0;
    nalStart = -1;
    pendingZeros = 0;
    inputOffset = 0;
  }

  private void closeNal() {
    if (nalStart < 0) {
      return;
    }
    int len = size - nalStart - 4;
    if (len == 0) {
      size = nalStart; // two start codes in a row: no NAL unit between them
    } else {
      out[nalStart] = (byte) (len >>> 24);
      out[nalStart + 1] = (byte) (len >>> 16);
      out[nalStart + 2] = (byte) (len >>> 8);
      out[nalStart + 3] = (byte) len;
    }
    nalStart = -1;
  }

  private void ensure(long extra) {
    long needed = size + extra;
    if (needed > maxFrameBytes) {
      throw NAL.unsupported(inputOffset,
          "AVCC frame of more than " + maxFrameBytes + " bytes");
    }
    if (needed > out.length) {
      out = Arrays.copyOf(out, (int) Math.min(maxFrameBytes, Math.max(needed, 2L * out.length)));
    }
  }
}
