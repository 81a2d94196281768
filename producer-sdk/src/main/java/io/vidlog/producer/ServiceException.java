package io.vidlog.producer;

import io.vidlog.kvs.KvsError;
import java.util.Optional;

/**
 * The service answered with an AWS error (docs/wire-protocol.md §0 "Errors"): its type (as
 * {@code x-amzn-ErrorType} / {@code __type} named it), the HTTP status, its message and the request
 * id an operator can find in the server's log. Act on {@link #errorType()} or {@link #error()}; the
 * message is for people.
 */
public final class ServiceException extends VidlogException {
  private final String errorType;
  private final int statusCode;
  private final String requestId;

  public ServiceException(String errorType, int statusCode, String message, String requestId) {
    super(errorType + " (HTTP " + statusCode + "): " + message + (requestId != null ? " [request id " + requestId + "]" : ""));
    this.errorType = errorType;
    this.statusCode = statusCode;
    this.requestId = requestId;
  }

  /** The AWS error type name, e.g. {@code ResourceNotFoundException}. */
  public String errorType() {
    return errorType;
  }

  public int statusCode() {
    return statusCode;
  }

  /** {@code x-amzn-RequestId} of the failed request, or null. */
  public String requestId() {
    return requestId;
  }

  /** The KVS error this type and status are, when it is one vidlog knows. */
  public Optional<KvsError> error() {
    for (KvsError e : KvsError.values()) {
      if (e.type().equals(errorType) && e.status() == statusCode) {
        return Optional.of(e);
      }
    }
    for (KvsError e : KvsError.values()) {
      if (e.type().equals(errorType)) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  public boolean is(KvsError e) {
    return errorType.equals(e.type());
  }

  /**
   * Whether trying again later may succeed: the service's own faults and its load refusals
   * (5xx, ClientLimitExceeded, ConnectionLimitExceeded), not a refusal of the request itself.
   */
  public boolean isRetriable() {
    return statusCode >= 500 || statusCode == 408 || is(KvsError.CLIENT_LIMIT_EXCEEDED)
        || is(KvsError.CONNECTION_LIMIT_EXCEEDED);
  }
}
