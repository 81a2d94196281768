package io.vidlog.producer;

/**
 * The application side of a {@link StreamReader}: frames in stream order, each once. The reader saves
 * the frame's checkpoint after {@link #onFrame} returns; if it throws, the reader stops without saving
 * and rethrows, and the frame is delivered again on the next start.
 */
@FunctionalInterface
public interface FrameHandler {

  void onFrame(ReadFrame frame) throws Exception;

  /**
   * A fragment starts: called before its first frame is handed over, and before the first frame handed
   * over when a reader resumes inside it after a checkpoint; not called for a fragment the checkpoint
   * says is complete. It names every track of the fragment, while each {@link ReadFrame} names only its
   * own: a writer can put a header naming all of them before the first frame (players read a Matroska
   * file's Tracks before its first Cluster, RFC 9559). Nothing is checkpointed when it returns.
   */
  default void onFragmentStart(FragmentStart fragment) throws Exception {}

  /**
   * A fragment ended: every frame of it has been handed over (and {@code metadata} now also holds the
   * items sent after its Cluster started). Its "complete" checkpoint is saved after this returns.
   */
  default void onFragmentEnd(String fragmentNumber, java.util.Map<String, String> metadata) throws Exception {}
}
