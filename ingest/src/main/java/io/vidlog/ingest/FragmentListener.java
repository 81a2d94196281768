package io.vidlog.ingest;

import io.vidlog.kvs.AckError;
import io.vidlog.media.mkv.MkvFrame;

/**
 * What the {@link FragmentAssembler} tells the connection: the fragment life cycle after the
 * fragment rules (docs/wire-protocol.md §1.4) have been applied. Every call is on the connection's thread.
 */
interface FragmentListener {

  /**
   * Checked when a Cluster starts: a non-null answer (4003, 4008, takeover) ends the connection
   * without opening the fragment.
   */
  default AckError admit() {
    return null;
  }

  /** A fragment's first byte arrived: mint its number (set {@link OpenFragment#number}), ack BUFFERING. */
  void opened(OpenFragment fragment);

  /** A frame that passed the rules; its payload is valid during the call only. */
  void frame(OpenFragment fragment, MkvFrame frame);

  /** The fragment is complete and valid: store it, ack RECEIVED (then PERSISTED). */
  void completed(OpenFragment fragment);

  /** The fragment broke a rule: drop it, ack ERROR; frames before it stay. */
  void rejected(OpenFragment fragment, AckError error);

  /**
   * The connection cannot go on (4006, 4003, 4008, 4012, takeover): ack ERROR and end it.
   * {@code timecode} is the offending Cluster's timecode or null; {@code error} is null when the
   * ERROR ack already went out with a dropped fragment.
   */
  void failed(AckError error, Long timecode, String detail);
}
