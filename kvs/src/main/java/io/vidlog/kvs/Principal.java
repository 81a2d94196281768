package io.vidlog.kvs;

/**
 * Who made a request, as the server's authentication established it (a SigV4 access key, an HLS
 * session token, a web session). API handlers never see it directly: they get a
 * {@link io.vidlog.kvs.http.Caller}, which pairs it with the action their route was declared with.
 */
public interface Principal {

  /** The access key id (or session id); safe to log. */
  String id();

  /**
   * Whether this principal may perform {@code action} (a KVS action name such as {@code PutMedia})
   * on the stream named {@code streamName}; with a null stream, whether it may perform the action
   * on some stream at all.
   */
  boolean allows(String action, String streamName);

  /** An administrator may do everything, including the operations endpoints. */
  default boolean admin() {
    return false;
  }
}
