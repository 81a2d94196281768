package io.vidlog.media;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Collects one element whose size was read from the wire (a Block, a split frame, a header element,
 * a moov) as its bytes arrive. The declared size is a claim, not a reason to allocate: the array
 * starts at {@code firstCapacity} and doubles as bytes come in, never beyond the declared size, so
 * what it holds stays within twice what arrived (or {@code firstCapacity}). Every growth is
 * reserved in a {@link ByteBudget} before the array is allocated and fails with an
 * {@link MediaFormatException.Kind#OVER_BUDGET} error when it does not fit. Between elements it
 * keeps an array of at most {@code keepCapacity} (still charged), and {@link #release()} gives
 * everything back at once. Not thread-safe.
 */
public final class GrowingBuffer {
  private static final byte[] EMPTY = new byte[0];

  private final ByteBudget budget;
  private final MediaFormatException.Format format;
  private final int firstCapacity;
  private final int keepCapacity;
  private byte[] bytes = EMPTY;
  private int length;
  private int expected;
  private long offset;
  private String what = "";

  /**
   * @param format the format named by an over-budget error
   * @param firstCapacity the first allocation for an element (less when the element is smaller)
   * @param keepCapacity the largest array kept between elements
   */
  public GrowingBuffer(ByteBudget budget, MediaFormatException.Format format, int firstCapacity, int keepCapacity) {
    if (firstCapacity < 1 || keepCapacity < 0) {
      throw new IllegalArgumentException("capacities " + firstCapacity + ", " + keepCapacity);
    }
    this.budget = budget;
    this.format = format;
    this.firstCapacity = firstCapacity;
    this.keepCapacity = keepCapacity;
  }

  /**
   * Starts collecting an element of {@code size} bytes that starts at input {@code offset};
   * allocates nothing yet. {@code what} names it in errors, e.g. {@code "Block"}.
   */
  public void start(int size, long offset, String what) {
    if (size < 0) {
      throw new IllegalArgumentException("element size " + size);
    }
    this.expected = size;
    this.length = 0;
    this.offset = offset;
    this.what = what;
  }

  /** Bytes still missing from the element. */
  public int missing() {
    return expected - length;
  }

  /** Whether every declared byte arrived. */
  public boolean complete() {
    return length == expected;
  }

  /** Bytes collected so far. */
  public int length() {
    return length;
  }

  /** Takes up to {@link #missing()} bytes from {@code in} (advancing it) and returns how many. */
  public int append(ByteBuffer in) {
    int n = Math.min(in.remaining(), missing());
    ensure(length + n);
    in.get(bytes, length, n);
    length += n;
    return n;
  }

  /** Takes {@code n} bytes of {@code src} from {@code off}; they must fit the declared size. */
  public void append(byte[] src, int off, int n) {
    if (n > missing()) {
      throw new IllegalArgumentException(n + " bytes do not fit the " + missing() + " missing");
    }
    ensure(length + n);
    System.arraycopy(src, off, bytes, length, n);
    length += n;
  }

  /** The bytes collected so far, as a view valid until the next {@link #start}, {@link #finish} or {@link #release}. */
  public ByteBuffer contents() {
    return ByteBuffer.wrap(bytes, 0, length);
  }

  /** The element was used: keeps an array of at most {@code keepCapacity} for the next one, releases the rest. */
  public void finish() {
    length = 0;
    expected = 0;
    if (bytes.length > keepCapacity) {
      drop();
    }
  }

  /** Bytes of array held now, all of them charged to the budget. */
  public long held() {
    return bytes.length;
  }

  /** Drops the element and the array and returns every byte to the budget; the buffer stays usable. */
  public void release() {
    length = 0;
    expected = 0;
    drop();
  }

  private void drop() {
    int had = bytes.length;
    bytes = EMPTY;
    budget.release(had);
  }

  private void ensure(int needed) {
    if (needed <= bytes.length) {
      return;
    }
    long grown = Math.max(needed, Math.max((long) firstCapacity, 2L * bytes.length));
    int capacity = (int) Math.min(expected, grown);
    // the old array is released right after the copy, so only the growth is charged
    budget.reserve(capacity - bytes.length, format, offset, "buffering " + what + " of " + expected + " bytes ("
        + length + " arrived)");
    bytes = Arrays.copyOf(bytes, capacity);
  }
}
