package io.vidlog.kvs;

/**
 * Who made a request, as the server's authentication established it (SigV4 access key, HLS session
 * token or web session). The server puts it in the routing context under {@link #CONTEXT_KEY}
 * before any API handler runs; ingest and playback ask it before touching a stream, using the name
 * the request gave, so a denied caller learns nothing about whether the stream exists.
 */
public interface Principal {
  String CONTEXT_KEY = "vidlog.principal";

  /** The access key id (or session id); safe to log. */
  String id();

  /**
   * Whether this principal may perform {@code action} (a KVS action name such as {@code PutMedia},
   * {@code GetMedia}, {@code ListFragments}) on the stream named {@code streamName}.
   */
  boolean allows(String action, String streamName);
}
