package io.vidlog.producer;

import java.time.Instant;
import java.util.Optional;

/**
 * Reads a stream's frames with checkpoints ({@link VidlogClient#reader}). {@link #run} tails the
 * stream with GetMedia; {@link #readRange} reads a time range with ListFragments and
 * GetMediaForFragmentList. Either way each frame goes to the {@link FrameHandler} with its fragment
 * number, timestamps and metadata, and its {@link Checkpoint} is saved in the config's
 * {@link CheckpointStore} only after the handler returned. A reader started again with the same
 * store resumes after the last saved checkpoint, also inside a fragment, whether the previous one
 * stopped, crashed or lost its connection; an application that keeps its output and the checkpoint
 * together therefore sees every frame exactly once.
 *
 * <p>One reader runs one loop at a time, on the caller's thread.
 */
public final class StreamReader {
  private final ReaderEngine engine;

  StreamReader(ReaderEngine engine) {
    this.engine = engine;
  }

  /**
   * Follows the stream until {@link #stop()} is called or the thread is interrupted, resuming after
   * broken or ended responses. Starts after the stored checkpoint, else at the config's start position.
   *
   * @throws Exception what the handler threw (the reader stops; that frame was not checkpointed), an
   *     IOException of the checkpoint store, a {@link ServiceException} that retrying cannot fix (the
   *     stream does not exist, access denied), or InterruptedException
   */
  public void run(FrameHandler handler) throws Exception {
    engine.run(handler);
  }

  /**
   * Reads the fragments whose {@code type} timestamp lies in {@code [from, to]}, in timestamp order, and
   * returns when all were handed over. Resumes after the stored checkpoint when it names a fragment of
   * the range.
   */
  public void readRange(TimestampType type, Instant from, Instant to, FrameHandler handler) throws Exception {
    engine.readRange(type, from, to, handler);
  }

  /** Makes {@link #run} return after the frame being handled (callable from any thread). */
  public void stop() {
    engine.stop();
  }

  /** The last checkpoint saved (or loaded at the start). */
  public Optional<Checkpoint> checkpoint() {
    return engine.checkpoint();
  }
}
