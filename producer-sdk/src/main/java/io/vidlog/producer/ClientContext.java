package io.vidlog.producer;

import java.net.URI;
import java.time.Duration;

/** What every part of one {@link VidlogClient} shares: endpoint, region, credentials, TLS and timeouts. */
final class ClientContext {
  private final URI endpoint;
  private final String region;
  private final CredentialsProvider credentials;
  private final Trust trust;
  private final Duration connectTimeout;
  private final Duration requestTimeout;

  ClientContext(URI endpoint, String region, CredentialsProvider credentials, Trust trust, Duration connectTimeout,
      Duration requestTimeout) {
    this.endpoint = endpoint;
    this.region = region;
    this.credentials = credentials;
    this.trust = trust;
    this.connectTimeout = connectTimeout;
    this.requestTimeout = requestTimeout;
  }

  URI endpoint() {
    return endpoint;
  }

  String region() {
    return region;
  }

  ControlPlane controlPlane() {
    throw new UnsupportedOperationException("not implemented yet");
  }

  Endpoints endpoints() {
    throw new UnsupportedOperationException("not implemented yet");
  }

  Archive archive() {
    throw new UnsupportedOperationException("not implemented yet");
  }

  void close() {}
}
