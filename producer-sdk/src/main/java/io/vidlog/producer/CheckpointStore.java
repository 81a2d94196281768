package io.vidlog.producer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a {@link StreamReader} keeps its {@link Checkpoint}. The reader saves one after the
 * application's {@link FrameHandler} returned for a frame, and after a fragment's last frame.
 *
 * <p>Exactly once: a frame is processed once across crashes when the application's processing and
 * the checkpoint are made durable together. An application whose output is itself a store (a
 * database, a log file) implements this interface on top of it and saves the checkpoint in the same
 * transaction or record as its output; {@link #file(Path)} suits processing that may be repeated
 * for the one frame in flight when the process dies.
 */
public interface CheckpointStore {

  /** The last saved checkpoint, or empty when the reader has never saved one. */
  Optional<Checkpoint> load() throws IOException;

  /** Makes {@code checkpoint} the one {@link #load()} returns, durably. */
  void save(Checkpoint checkpoint) throws IOException;

  /**
   * A one-line text file replaced atomically on each save (written beside it, forced to disk, then
   * renamed over it), so a crash leaves the old or the new checkpoint, never a torn one.
   */
  static CheckpointStore file(Path path) {
    return new FileCheckpointStore(path);
  }

  /** A checkpoint kept in memory only (lost with the process). */
  static CheckpointStore memory() {
    return new CheckpointStore() {
      private volatile Checkpoint last;

      @Override
      public Optional<Checkpoint> load() {
        return Optional.ofNullable(last);
      }

      @Override
      public void save(Checkpoint checkpoint) {
        last = checkpoint;
      }
    };
  }
}
