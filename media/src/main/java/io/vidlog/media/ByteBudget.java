package io.vidlog.media;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A bound on the bytes that parsers hold in buffers, shared by everything charged to it and by
 * its ancestors: a server-wide budget with a child per connection, say. A reservation succeeds
 * only when it fits this budget and every ancestor; otherwise nothing is reserved and the budget
 * that refused is named. Parsers reserve before they allocate and release when they drop a buffer
 * or are closed, so {@link #used()} is what their buffers hold right now. Thread-safe: one budget
 * may be charged from many event loops and workers.
 */
public final class ByteBudget {
  private final String name;
  private final long limit;
  private final ByteBudget parent;
  private final AtomicLong used = new AtomicLong();

  private ByteBudget(String name, long limit, ByteBudget parent) {
    if (limit < 0) {
      throw new IllegalArgumentException("budget " + name + " limit must not be negative, got " + limit);
    }
    this.name = name;
    this.limit = limit;
    this.parent = parent;
  }

  /** A root budget of {@code limit} bytes; {@code name} is how errors call it. */
  public static ByteBudget of(String name, long limit) {
    return new ByteBudget(name, limit, null);
  }

  /** A budget that never refuses, for input that is trusted (our own stored chunks, tests). */
  public static ByteBudget unlimited() {
    return new ByteBudget("unlimited", Long.MAX_VALUE, null);
  }

  /** A budget of at most {@code limit} bytes whose reservations also count against this one. */
  public ByteBudget child(String childName, long childLimit) {
    return new ByteBudget(childName, childLimit, this);
  }

  public String name() {
    return name;
  }

  public long limit() {
    return limit;
  }

  /** Bytes reserved and not yet released (here, including every child's). */
  public long used() {
    return used.get();
  }

  /** Reserves {@code bytes} here and in every ancestor, or nothing and returns false. */
  public boolean tryReserve(long bytes) {
    return take(bytes) == null;
  }

  /**
   * Reserves {@code bytes} or fails with an {@link MediaFormatException.Kind#OVER_BUDGET}
   * exception whose message says what needed the bytes and names the budget that refused with its
   * use and limit.
   *
   * @param what what needs the buffer, e.g. {@code "buffering a Block of 52428800 bytes (4096 arrived)"}
   */
  public void reserve(long bytes, MediaFormatException.Format format, long offset, String what) {
    ByteBudget refused = take(bytes);
    if (refused != null) {
      throw MediaFormatException.overBudget(format, offset, what + " needs " + bytes + " more bytes, over the "
          + refused.name + " budget: " + refused.used() + " of " + refused.limit + " bytes in use", refused);
    }
  }

  /** Returns {@code bytes} reserved earlier, here and in every ancestor. */
  public void release(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("release of " + bytes + " bytes");
    }
    for (ByteBudget b = this; b != null; b = b.parent) {
      if (b.used.addAndGet(-bytes) < 0) {
        throw new IllegalStateException("budget " + b.name + " released more than was reserved");
      }
    }
  }

  /** Reserves along the chain; on a refusal undoes what it took and returns the budget that refused. */
  private ByteBudget take(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("reservation of " + bytes + " bytes");
    }
    for (ByteBudget b = this; b != null; b = b.parent) {
      if (!b.takeHere(bytes)) {
        for (ByteBudget u = this; u != b; u = u.parent) {
          u.used.addAndGet(-bytes);
        }
        return b;
      }
    }
    return null;
  }

  private boolean takeHere(long bytes) {
    while (true) {
      long now = used.get();
      if (bytes > limit - now) {
        return false;
      }
      if (used.compareAndSet(now, now + bytes)) {
        return true;
      }
    }
  }

  @Override
  public String toString() {
    return name + " budget (" + used() + " of " + limit + " bytes in use)";
  }
}
