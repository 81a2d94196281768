package io.vidlog.producer.source;

import static io.vidlog.media.MediaFormatException.Format.NAL;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Push-driven splitter of an Annex-B byte stream (ITU-T H.264 Annex B, H.265 Annex B) into NAL
 * units: feed slices of any size, and each NAL unit is reported, without its start code and
 * trailing zero bytes, as soon as the next start code (or {@link #end()}) shows where it ends.
 * Start codes may be split anywhere across slices; emulation-prevention bytes are kept. The only
 * bytes allowed before the first start code are leading zeros. A NAL unit over
 * {@code maxNalBytes} fails with UNSUPPORTED before more memory is taken. Not thread-safe.
 */
final class AnnexBScanner {
  /** Receives each NAL unit: a fresh array, with the input offset of its first byte. */
  interface NalHandler {
    void onNal(byte[] nal, long offset);
  }

  private enum State {
    /** Before the first start code: only zero bytes (leading_zero_8bits) may come. */
    LEADING,
    /** Inside a NAL unit (or between a start code and its first byte). */
    NAL,
    /** {@link #end()} was called, or the input was refused. */
    DONE
  }

  private final NalHandler handler;
  private final int maxNalBytes;
  private State state = State.LEADING;
  private byte[] nal = new byte[1024];
  private int length;
  private long nalOffset;
  /** Zero bytes read but not yet known to be NAL content rather than part of a start code. */
  private long zeros;
  private long offset;

  AnnexBScanner(NalHandler handler, int maxNalBytes) {
    if (maxNalBytes < 1) {
      throw new IllegalArgumentException("maxNalBytes " + maxNalBytes);
    }
    this.handler = handler;
    this.maxNalBytes = maxNalBytes;
  }

  /** Consumes every remaining byte of {@code slice}. */
  void push(ByteBuffer slice) {
    try {
      while (slice.hasRemaining()) {
        switch (state) {
          case LEADING -> leading(slice.get() & 0xFF);
          case NAL -> inNal(slice);
          case DONE -> throw new IllegalStateException("input after end or failure");
        }
      }
    } catch (RuntimeException e) {
      state = State.DONE;
      throw e;
    }
  }

  /** End of input: reports the last NAL unit. */
  void end() {
    if (state == State.NAL) {
      emit();
    } else if (state == State.LEADING) {
      state = State.DONE;
      throw NAL.malformed(offset, "no Annex-B start code in " + offset + " bytes");
    }
    state = State.DONE;
  }

  /** Bytes consumed so far. */
  long position() {
    return offset;
  }

  private void leading(int b) {
    if (b == 0) {
      zeros++;
    } else if (b == 1 && zeros >= 2) {
      startNal();
    } else {
      throw NAL.malformed(offset, "byte 0x" + Integer.toHexString(b)
          + " before the first start code: not an Annex-B byte stream");
    }
    offset++;
  }

  private void inNal(ByteBuffer slice) {
    if (zeros == 0) {
      // a run of non-zero bytes cannot hold a start code: copy it at once
      int from = slice.position();
      int to = from;
      int limit = slice.limit();
      while (to < limit && slice.get(to) != 0) {
        to++;
      }
      if (to > from) {
        int n = to - from;
        ensure(n);
        slice.get(nal, length, n);
        length += n;
        offset += n;
        return;
      }
    }
    int b = slice.get() & 0xFF;
    if (b == 0) {
      zeros++;
    } else if (b == 1 && zeros >= 2) {
      emit();
      startNal();
    } else {
      ensure(zeros + 1);
      for (; zeros > 0; zeros--) {
        nal[length++] = 0;
      }
      nal[length++] = (byte) b;
    }
    offset++;
  }

  private void startNal() {
    zeros = 0;
    length = 0;
    nalOffset = offset + 1;
    state = State.NAL;
  }

  /** Reports the NAL unit read so far; zeros before a start code or the end are trailing_zero_8bits. */
  private void emit() {
    zeros = 0;
    if (length > 0) {
      handler.onNal(Arrays.copyOf(nal, length), nalOffset);
    }
    length = 0;
  }

  private void ensure(long extra) {
    long needed = length + extra;
    if (needed > maxNalBytes) {
      throw NAL.unsupported(nalOffset, "NAL unit of more than " + maxNalBytes + " bytes");
    }
    if (needed > nal.length) {
      nal = Arrays.copyOf(nal, (int) Math.min(maxNalBytes, Math.max(needed, 2L * nal.length)));
    }
  }
}
