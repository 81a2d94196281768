package io.vidlog.media.fmp4;

import io.vidlog.media.ByteBudget;
import io.vidlog.media.MediaFormatException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Holds copies of one fragment's frame payloads in a few large arrays rather than one array per
 * frame: the single copy a repackaged fragment needs, since a Matroska reader's payload views last
 * only for their callback. Every array is reserved in a {@link ByteBudget} before it is allocated
 * and stays charged until {@link #release()}.
 */
final class PayloadArena {
  static final int BLOCK = 256 * 1024;

  private final ByteBudget budget;
  private final List<byte[]> blocks = new ArrayList<>();
  private byte[] current;
  private int used;
  private long held;

  PayloadArena(ByteBudget budget) {
    this.budget = budget;
  }

  /** A read-only view of a copy of {@code src}'s remaining bytes; {@code src} is not moved. */
  ByteBuffer copy(ByteBuffer src) {
    int n = src.remaining();
    if (n > BLOCK / 4) { // a large frame gets an array of its own, so blocks waste little
      reserve(n);
      byte[] own = new byte[n];
      src.get(src.position(), own);
      blocks.add(own);
      held += n;
      return ByteBuffer.wrap(own).asReadOnlyBuffer();
    }
    if (current == null || BLOCK - used < n) {
      reserve(BLOCK);
      current = new byte[BLOCK];
      blocks.add(current);
      used = 0;
      held += BLOCK;
    }
    src.get(src.position(), current, used, n);
    ByteBuffer view = ByteBuffer.wrap(current, used, n).slice().asReadOnlyBuffer();
    used += n;
    return view;
  }

  private void reserve(long n) {
    budget.reserve(n, MediaFormatException.Format.MP4, MediaFormatException.UNKNOWN_OFFSET,
        "copying the frames of a fragment to repackage (" + held + " bytes so far)");
  }

  /** Bytes of the arrays held (and charged). */
  long held() {
    return held;
  }

  /** Gives the charge back; the copies stay readable (views of them may still be being written). */
  void release() {
    budget.release(held);
    held = 0;
    current = null;
    blocks.clear();
  }
}
