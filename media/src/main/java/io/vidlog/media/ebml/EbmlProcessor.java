package io.vidlog.media.ebml;

import java.nio.ByteBuffer;

/**
 * Receives the framing events of an {@link EbmlReader} and decides, per element, what the reader
 * does with its data (Media3's {@code EbmlProcessor}, made push-driven). Buffers passed in are valid
 * only during the call. Any exception thrown here makes the reader unusable.
 */
public interface EbmlProcessor {

  /** What to do with an element's data. */
  enum Action {
    /** Enter the element: its children are reported; {@link #onElementEnd} follows. */
    MASTER,
    /** Collect the element whole (bounded by {@link EbmlLimits#maxBufferedSize()}) and call {@link #onData}. */
    BUFFER,
    /** Hand the data out in chunks as it arrives (views of the input), then {@link #onElementEnd}. */
    STREAM,
    /** Step over the data without looking at it, whatever its size. */
    SKIP
  }

  /**
   * An element header was read.
   *
   * @param id the element id with its length marker bits (e.g. 0x1A45DFA3)
   * @param parentId the id of the enclosing open master, 0 at top level
   * @param size data size in bytes, or -1 for unknown size
   * @param headerOffset absolute offset of the element's first id byte
   * @param headerLength bytes of id and size
   * @param depth number of open masters enclosing this element
   */
  Action onElementStart(int id, int parentId, long size, long headerOffset, int headerLength, int depth);

  /** A {@link Action#BUFFER} element, whole: {@code element} holds the header followed by the data. */
  default void onData(int id, ByteBuffer element, int headerLength) {}

  /** The next chunk of a {@link Action#STREAM} element's data, a view of the input. */
  default void onPayload(int id, ByteBuffer chunk) {}

  /** A {@link Action#MASTER} or {@link Action#STREAM} element ended at absolute offset {@code endOffset}. */
  default void onElementEnd(int id, long endOffset) {}
}
