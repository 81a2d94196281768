package io.vidlog.producer;

import java.io.IOException;

/** Receives the fragments of {@link VidlogClient#getMediaForFragmentList}, in the order asked for. */
@FunctionalInterface
public interface FragmentHandler {

  void onFragment(ReadFragment fragment) throws IOException;

  /**
   * A fragment asked for does not exist (never did, expired, or the stream keeps nothing): the service
   * sent an error chunk for it (docs/wire-protocol.md §3.2) and went on with the next one.
   */
  default void onMissing(String fragmentNumber, int errorId, String errorCode) throws IOException {}
}
