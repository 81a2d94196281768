package io.vidlog.producer;

import java.time.Duration;
import java.time.Instant;

/**
 * A handle that streams one stream's frames to PutMedia ({@link VidlogClient#producer}). Frames are
 * packaged as MKV (absolute timecodes, 1 ms TimecodeScale), cut into fragments at key frames and kept
 * in a bounded buffer until the service acknowledged them PERSISTED (RECEIVED on a stream that keeps
 * nothing). Acks are read while frames are being sent. When the connection breaks, goes stale or is
 * refused with a retriable error, the producer reconnects with jittered backoff and sends again,
 * on a fresh MKV header, every fragment from the first one not acknowledged; fragments the service
 * stored while their acks were lost are found with ListFragments and not sent twice.
 *
 * <p>Thread-safe: frames of several tracks may come from several threads, in decode order per
 * track. Callbacks go to the {@link ProducerListener} of the {@link ProducerConfig}.
 */
public final class StreamProducer implements AutoCloseable {
  private final ProducerEngine engine;

  StreamProducer(ProducerEngine engine) {
    this.engine = engine;
  }

  /**
   * Adds one frame.
   *
   * @param track a track number of the config
   * @param pts presentation time; the MKV block timecode (millisecond precision)
   * @param dts decode time; must not go back within a track (frames are given in decode order)
   * @param keyFrame an IDR/IRAP picture for video (a new fragment may start here); ignored for audio
   * @param data the frame: Annex-B or AVCC NAL units per the track's {@link NalFormat}, or a raw AAC frame.
   *     Copied before this returns
   * @throws ProducerClosedException when the producer was closed or failed
   * @throws IllegalArgumentException for an unknown track, an empty frame, timestamps out of order, or
   *     video bytes that are not NAL units of the track's format (the frame is not taken)
   * @throws VidlogException when interrupted while waiting for room ({@link BufferMode#OFFLINE})
   */
  public void putFrame(int track, Instant pts, Instant dts, boolean keyFrame, byte[] data) {
    engine.putFrame(track, pts, dts, keyFrame, data);
  }

  /**
   * Adds a fragment metadata item (docs/wire-protocol.md §5) with KVS's semantics: a non-persistent item
   * goes with the next fragment only; a persistent one with every fragment from the next on, until it is
   * removed by putting the same name with an empty value. Limits checked here, as the service checks
   * them: a name of 1–128 bytes not starting with {@code AWS}, a value of at most 256 bytes (UTF-8), at
   * most 10 items per fragment (persistent ones included).
   *
   * @throws IllegalArgumentException when a limit is broken (nothing is added)
   */
  public void putFragmentMetadata(String name, String value, boolean persistent) {
    engine.putFragmentMetadata(name, value, persistent);
  }

  /**
   * Ends the fragment being filled (the next frame starts a new one, key frame or not) and waits until
   * everything accepted so far is acknowledged or dropped.
   *
   * @return false when {@code timeout} passed first
   */
  public boolean flush(Duration timeout) throws InterruptedException {
    return engine.flush(timeout);
  }

  /**
   * Ends the last fragment, waits up to the config's close timeout for its acknowledgements, closes the
   * connection and stops the producer's threads. Fragments still unacknowledged then are reported to
   * {@link ProducerListener#onDrop} with reason CLOSED. Idempotent.
   */
  @Override
  public void close() {
    engine.close(true);
  }

  /** Stops at once: the connection is closed and unacknowledged fragments are dropped (reported). */
  public void abort() {
    engine.close(false);
  }

  public ProducerStats stats() {
    return engine.stats();
  }

  public String streamName() {
    return engine.streamName();
  }

  /** False once closed or failed for good. */
  public boolean isOpen() {
    return engine.isOpen();
  }
}
