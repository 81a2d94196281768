package io.vidlog.producer;

import java.time.Duration;

/**
 * Callbacks of a {@link StreamProducer}. They run on the thread that caused them (the producer's ack
 * and sender threads, or the caller of {@code putFrame} for drops and buffer pressure), never while
 * the producer holds a lock: return quickly, and never call {@code putFrame} from them (in
 * {@link BufferMode#OFFLINE} that could wait for an ack the callback is holding up). All methods do
 * nothing by default.
 */
public interface ProducerListener {

  /** Every acknowledgement, in arrival order. */
  default void onAck(Ack ack) {}

  /** A fragment is safe: PERSISTED, or RECEIVED on a stream that keeps nothing. */
  default void onFragmentPersisted(String fragmentNumber, long fragmentTimecode) {}

  /** An error; see {@link ProducerError#retriable()}. */
  default void onError(ProducerError error) {}

  /** Frames were given up (real-time buffer pressure, a refused fragment, or close). */
  default void onDrop(DroppedFragment dropped) {}

  /**
   * Time from writing a fragment's last byte to its PERSISTED ack (RECEIVED for retention 0). The last
   * byte of a fragment is known when the next one starts, so this includes no frame interval.
   */
  default void onLatency(String fragmentNumber, Duration ackLatency) {}

  /**
   * The buffer crossed 50 %, 80 % or 100 % of a limit upwards, or fell back below 50 %. In real
   * time mode fragments are dropped past 100 %; in offline mode {@code putFrame} blocks.
   */
  default void onBufferPressure(BufferState state) {}

  /** A PutMedia connection was opened ({@code connected}) or ended. */
  default void onConnection(boolean connected, String detail) {}
}
