package io.vidlog.fragmentstore.live;

/**
 * The events of a feed's window in publish order, addressed by a sequence number that never
 * repeats: a growable power-of-two ring, appended at the head and trimmed at the tail. Each entry
 * remembers the running byte total before it, so a subscriber's lag in bytes is one subtraction.
 * Not thread-safe: the owning feed guards it.
 */
final class EventLog {
  /** One logged event. */
  record Entry(long seq, LiveEvent event, long cumBytesBefore, int bytes) {}

  private Entry[] ring = new Entry[64];
  private int head; // index of firstSeq
  private int size;
  private long firstSeq;
  private long cumBytes;

  long firstSeq() {
    return firstSeq;
  }

  /** The sequence number the next appended event gets. */
  long nextSeq() {
    return firstSeq + size;
  }

  /** Bytes appended since the log was created. */
  long cumBytes() {
    return cumBytes;
  }

  int size() {
    return size;
  }

  long append(LiveEvent event, int bytes) {
    if (size == ring.length) {
      Entry[] bigger = new Entry[ring.length * 2];
      for (int i = 0; i < size; i++) {
        bigger[i] = ring[(head + i) & (ring.length - 1)];
      }
      ring = bigger;
      head = 0;
    }
    long seq = nextSeq();
    ring[(head + size) & (ring.length - 1)] = new Entry(seq, event, cumBytes, bytes);
    size++;
    cumBytes += bytes;
    return seq;
  }

  Entry get(long seq) {
    if (seq < firstSeq || seq >= nextSeq()) {
      throw new IndexOutOfBoundsException("seq " + seq + " not in [" + firstSeq + ", " + nextSeq() + ")");
    }
    return ring[(head + (int) (seq - firstSeq)) & (ring.length - 1)];
  }

  /** The running byte total before {@code seq} ({@code seq} may be {@link #nextSeq()}). */
  long cumBytesAt(long seq) {
    return seq == nextSeq() ? cumBytes : get(seq).cumBytesBefore();
  }

  /** Drops every entry before {@code seq}. */
  void trimBefore(long seq) {
    while (size > 0 && firstSeq < seq) {
      ring[head] = null;
      head = (head + 1) & (ring.length - 1);
      size--;
      firstSeq++;
    }
    if (size == 0) {
      firstSeq = Math.max(firstSeq, seq);
    }
    if (ring.length > 64 && size < ring.length / 4) {
      Entry[] smaller = new Entry[ring.length / 2];
      for (int i = 0; i < size; i++) {
        smaller[i] = ring[(head + i) & (ring.length - 1)];
      }
      ring = smaller;
      head = 0;
    }
  }
}
