package io.vidlog.kvs;

/** The AWS error types KVS clients know, with the HTTP status each one travels with (docs/wire-protocol.md §0). */
public enum KvsError {
  CLIENT_LIMIT_EXCEEDED("ClientLimitExceededException", 400),
  CONNECTION_LIMIT_EXCEEDED("ConnectionLimitExceededException", 400),
  INVALID_ARGUMENT("InvalidArgumentException", 400),
  INVALID_ENDPOINT("InvalidEndpointException", 400),
  RESOURCE_IN_USE("ResourceInUseException", 400),
  VERSION_MISMATCH("VersionMismatchException", 400),
  ACCOUNT_STREAM_LIMIT_EXCEEDED("AccountStreamLimitExceededException", 400),
  TAGS_PER_RESOURCE_EXCEEDED_LIMIT("TagsPerResourceExceededLimitException", 400),
  NO_DATA_RETENTION("NoDataRetentionException", 400),
  UNSUPPORTED_STREAM_MEDIA_TYPE("UnsupportedStreamMediaTypeException", 400),
  MISSING_CODEC_PRIVATE_DATA("MissingCodecPrivateDataException", 400),
  INVALID_CODEC_PRIVATE_DATA("InvalidCodecPrivateDataException", 400),
  INVALID_MEDIA_FRAME("InvalidMediaFrameException", 400),
  /** Not a KVS model shape; used for operations vidlog does not implement (never a 500). */
  UNSUPPORTED_OPERATION("UnsupportedOperationException", 400),
  NOT_AUTHORIZED("NotAuthorizedException", 401),
  ACCESS_DENIED("AccessDeniedException", 401),
  /**
   * An HLS (or DASH) session URL whose session token is missing, altered, expired or bound to
   * another stream: the archived-media documents give NotAuthorized a 403 for these URLs, which a
   * player shows as "forbidden" rather than asking for credentials (docs/wire-protocol.md §3.5).
   */
  SESSION_NOT_AUTHORIZED("NotAuthorizedException", 403),
  RESOURCE_NOT_FOUND("ResourceNotFoundException", 404),
  REQUEST_TOO_LARGE("InvalidArgumentException", 413),
  /** Not a KVS model shape: the request (its body) did not arrive in time. */
  REQUEST_TIMEOUT("RequestTimeoutException", 408),
  INTERNAL("InternalFailure", 500),
  SERVICE_UNAVAILABLE("ServiceUnavailable", 503);

  private final String type;
  private final int status;

  KvsError(String type, int status) {
    this.type = type;
    this.status = status;
  }

  /** The exception name sent as {@code x-amzn-ErrorType} and {@code __type}. */
  public String type() {
    return type;
  }

  public int status() {
    return status;
  }

  public KvsException exception(String message) {
    return new KvsException(this, message);
  }
}
