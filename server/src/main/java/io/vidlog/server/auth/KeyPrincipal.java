package io.vidlog.server.auth;

import io.vidlog.kvs.Principal;

/** The caller authenticated by a SigV4 signature of one access key. */
public record KeyPrincipal(AccessKey key) implements Principal {

  @Override
  public String id() {
    return key.id();
  }

  @Override
  public boolean allows(String action, String streamName) {
    return key.policy().allows(action, streamName);
  }

  public boolean admin() {
    return key.policy().admin();
  }

  /** For ListStreams: whether the stream may be shown to this caller at all. */
  public boolean maySee(String streamName) {
    return key.policy().allowsStream(streamName);
  }
}
