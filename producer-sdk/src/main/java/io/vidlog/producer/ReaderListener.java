package io.vidlog.producer;

/**
 * What a {@link StreamReader} reports besides frames. Runs on the reader's thread. All methods do
 * nothing by default.
 */
public interface ReaderListener {

  /** A GetMedia response started, resuming from {@code from} (a description of the start selector). */
  default void onConnected(String from) {}

  /**
   * A response ended or broke; the reader resumes from its checkpoint after {@code retryInMillis}.
   * {@code error} is null for a clean end (the service ends responses after 45 minutes or when the
   * reader waited 30 s at the live edge, docs/wire-protocol.md §2 "How a response ends").
   */
  default void onDisconnected(Throwable error, long retryInMillis) {}

  /**
   * The service reported an error inside the stream (docs/wire-protocol.md §2 "Errors inside the
   * stream"), e.g. 4000 FRAGMENT_NOT_FOUND when the reader fell out of a retention-0 stream's window:
   * frames were lost to this reader.
   */
  default void onStreamError(String fragmentNumber, int errorId, String errorCode) {}
}
