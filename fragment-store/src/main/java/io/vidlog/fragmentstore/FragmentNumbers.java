package io.vidlog.fragmentstore;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Mints the fragment numbers of this node (docs/wire-protocol.md §1.2: decimal, strictly increasing per
 * stream in ingest order, never reused). A minted number is 22 fixed-width digits:
 * {@code <13-digit server epoch millis><3-digit node id><6-digit sequence>}, so its decimal string
 * sorts like its value and object keys list in fragment order; the node id lets several nodes mint
 * in the same millisecond without colliding when a stream moves between them.
 *
 * <p>Nothing is persisted per fragment. Each stream keeps a high-water mark in memory; before the
 * first number is minted for a stream after a start (or after the stream moved from another node)
 * the caller raises the mark with {@link #floor} to the latest number in the stream's index, so a
 * clock that stepped back across a restart still yields larger numbers. Numbers of retention-0
 * streams are never indexed; they rely on the clock having moved forward across the restart.
 */
public final class FragmentNumbers {
  public static final int WIDTH = 22;
  public static final int MAX_NODE = 999;
  static final int MAX_SEQUENCE = 999_999;
  static final long MAX_MILLIS = 9_999_999_999_999L;

  /** The fields of a minted number. */
  public record Parts(long millis, int node, int sequence) implements Comparable<Parts> {
    public Parts {
      if (millis < 0 || millis > MAX_MILLIS || node < 0 || node > MAX_NODE || sequence < 0 || sequence > MAX_SEQUENCE) {
        throw new IllegalArgumentException("fragment number parts out of range: " + millis + "/" + node + "/" + sequence);
      }
    }

    @Override
    public int compareTo(Parts o) {
      int c = Long.compare(millis, o.millis);
      if (c == 0) {
        c = Integer.compare(node, o.node);
      }
      return c != 0 ? c : Integer.compare(sequence, o.sequence);
    }
  }

  /** Changes only when a cluster gives this node another number ({@link #renumber}). */
  private volatile int node;
  private final LongSupplier clock;
  private final ConcurrentHashMap<String, Parts> last = new ConcurrentHashMap<>();

  public FragmentNumbers(int node) {
    this(node, System::currentTimeMillis);
  }

  public FragmentNumbers(int node, LongSupplier clock) {
    this.node = checkNode(node);
    this.clock = clock;
  }

  private static int checkNode(int node) {
    if (node < 0 || node > MAX_NODE) {
      throw new IllegalArgumentException("node id must be 0-" + MAX_NODE + ", got " + node);
    }
    return node;
  }

  /**
   * Mints with another node id from now on: a cluster node whose number another member took while
   * it was cut off claims a free one. Every stream's high-water mark stays, so numbers keep
   * increasing across the change ({@link #successor} orders a smaller node id after the mark).
   */
  public void renumber(int node) {
    this.node = checkNode(node);
  }

  public int node() {
    return node;
  }

  /** The next number for a stream: greater than every number minted or floored for it. Thread-safe. */
  public FragmentNumber next(String streamId) {
    return encode(last.compute(streamId, (id, prev) -> successor(prev, clock.getAsLong())));
  }

  /**
   * Raises a stream's high-water mark to {@code latest} (the newest number in its index). A number
   * of another width is taken by value (padded to 22 digits); one above every 22-digit number
   * cannot be exceeded and is rejected.
   */
  public void floor(String streamId, FragmentNumber latest) {
    if (latest == null) {
      return;
    }
    String s = latest.value();
    int start = 0;
    while (start < s.length() - 1 && s.charAt(start) == '0') {
      start++;
    }
    int digits = s.length() - start;
    if (digits > WIDTH) {
      throw new IllegalArgumentException("fragment number " + latest + " is beyond what this node can exceed");
    }
    Parts p = decode(new FragmentNumber("0".repeat(WIDTH - digits) + s.substring(start)));
    last.merge(streamId, p, (a, b) -> a.compareTo(b) >= 0 ? a : b);
  }

  /** Forgets a stream (deleted, or handed to another node). */
  public void forget(String streamId) {
    last.remove(streamId);
  }

  Parts successor(Parts prev, long now) {
    int node = this.node; // one id per number, should a renumbering happen meanwhile
    if (prev == null || now > prev.millis) {
      return new Parts(Math.min(now, MAX_MILLIS), node, 0);
    }
    // The clock has not moved past the mark (same millisecond, or it stepped back).
    if (prev.node == node) {
      return prev.sequence < MAX_SEQUENCE ? new Parts(prev.millis, node, prev.sequence + 1)
          : new Parts(prev.millis + 1, node, 0);
    }
    return node > prev.node ? new Parts(prev.millis, node, 0) : new Parts(prev.millis + 1, node, 0);
  }

  public static FragmentNumber encode(Parts p) {
    char[] c = new char[WIDTH];
    put(c, 0, 13, p.millis());
    put(c, 13, 3, p.node());
    put(c, 16, 6, p.sequence());
    return new FragmentNumber(new String(c));
  }

  /** The parts of a vidlog-minted number, or null for numbers of another width. */
  public static Parts decode(FragmentNumber n) {
    String s = n.value();
    if (s.length() != WIDTH) {
      return null;
    }
    return new Parts(Long.parseLong(s, 0, 13, 10), Integer.parseInt(s, 13, 16, 10), Integer.parseInt(s, 16, 22, 10));
  }

  private static void put(char[] c, int at, int width, long v) {
    for (int i = at + width - 1; i >= at; i--) {
      c[i] = (char) ('0' + v % 10);
      v /= 10;
    }
  }
}
