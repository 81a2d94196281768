package io.vidlog.producer;

import java.util.ArrayList;
import java.util.List;

/**
 * One fragment in the content buffer: its bytes (metadata Tags and Cluster start, then one SimpleBlock
 * per frame) and where it stands on the way to being acknowledged. Fields are guarded by the engine's
 * lock; block arrays are never changed once added, so the sender writes them outside the lock.
 */
final class BufferedFragment {
  /** Where the fragment stands with the service. */
  enum Delivery {
    /** To be sent (again) from its first byte on the next connection. */
    PENDING,
    /** Partly written on {@link #connection}. */
    SENDING,
    /** Written whole, end-of-fragment tag included, on {@link #connection}; waiting for acks. */
    SENT,
    /**
     * Its connection broke after its end was (perhaps) written and before its final ack: the service may
     * have stored it. Looked up with ListFragments before the next connection sends anything.
     */
    UNCERTAIN
  }

  final long timecode;
  final StreamHeader header;
  final byte[] preamble;
  final List<byte[]> blocks = new ArrayList<>();
  long bytes;
  int frames;
  long lastPtsMs;
  /** No more frames: the next fragment started (or flush/close). */
  boolean closed;
  Delivery delivery = Delivery.PENDING;
  PutMediaConnection connection;
  int blocksSent;
  /** How many times its first byte was written (more than once: sent again after a broken connection). */
  int attempts;
  String fragmentNumber;
  boolean received;
  long endWrittenNanos;

  BufferedFragment(long timecode, StreamHeader header, byte[] preamble) {
    this.timecode = timecode;
    this.header = header;
    this.preamble = preamble;
    this.bytes = preamble.length;
    this.lastPtsMs = timecode;
  }

  void add(byte[] block, long ptsMs) {
    blocks.add(block);
    bytes += block.length;
    frames++;
    lastPtsMs = Math.max(lastPtsMs, ptsMs);
  }

  /** Back to the start, to be sent again on another connection. */
  void resetForResend() {
    delivery = Delivery.PENDING;
    connection = null;
    blocksSent = 0;
    received = false;
    fragmentNumber = null;
    endWrittenNanos = 0;
  }

  @Override
  public String toString() {
    return "fragment@" + timecode + "(" + frames + " frames, " + delivery + (closed ? ", closed" : "") + ")";
  }
}
