package io.vidlog.producer;

import java.util.Objects;

/**
 * AWS-style credentials: an access key id, its secret and, for temporary credentials, a session
 * token (sent as {@code x-amz-security-token}; vidlog ignores it, docs/wire-protocol.md §0
 * "Authentication"). {@link #toString()} never shows the secret or the token.
 *
 * @param sessionToken null for long-term keys
 */
public record Credentials(String accessKeyId, String secretAccessKey, String sessionToken) {
  public Credentials {
    Objects.requireNonNull(accessKeyId, "accessKeyId");
    Objects.requireNonNull(secretAccessKey, "secretAccessKey");
    if (accessKeyId.isBlank() || secretAccessKey.isBlank()) {
      throw new IllegalArgumentException("an access key id and a secret access key are required");
    }
    if (sessionToken != null && sessionToken.isBlank()) {
      sessionToken = null;
    }
  }

  public Credentials(String accessKeyId, String secretAccessKey) {
    this(accessKeyId, secretAccessKey, null);
  }

  @Override
  public String toString() {
    return "Credentials[" + accessKeyId + (sessionToken != null ? " with session token" : "") + "]";
  }
}
