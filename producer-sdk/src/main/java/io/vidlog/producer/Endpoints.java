package io.vidlog.producer;

import java.net.URI;

/** GetDataEndpoint answers, cached per stream and API. */
final class Endpoints {
  URI get(String stream, ApiName api) {
    throw new UnsupportedOperationException("not implemented yet");
  }
}
