package io.vidlog.producer;

/** What {@link StreamProducer#putFrame} does when the content buffer is full. */
public enum BufferMode {
  /**
   * A live source cannot wait: whole fragments are dropped from the oldest end of the buffer to make
   * room, and each drop is reported to {@link ProducerListener#onDrop}. {@code putFrame} never blocks.
   */
  REAL_TIME,
  /**
   * A file or a recording can wait: {@code putFrame} blocks until acknowledgements free room. Nothing
   * is dropped.
   */
  OFFLINE
}
