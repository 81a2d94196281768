package io.vidlog.producer;

/**
 * The service could not be reached or did not answer as HTTP and the KVS wire say it must: a refused
 * or broken connection, a TLS failure, a timeout, or a response that is not what the API returns.
 */
public final class ConnectionException extends VidlogException {
  public ConnectionException(String message) {
    super(message);
  }

  public ConnectionException(String message, Throwable cause) {
    super(message, cause);
  }
}
