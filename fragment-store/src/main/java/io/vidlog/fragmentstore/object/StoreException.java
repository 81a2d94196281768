package io.vidlog.fragmentstore.object;

/**
 * The one failure type of the object store: each backend maps its own exceptions (minio's checked
 * exceptions, NIO's IOExceptions) to a {@link Kind}, so callers decide on the kind, not the backend.
 */
public final class StoreException extends RuntimeException {

  /** What went wrong, in terms a caller can act on. */
  public enum Kind {
    NOT_FOUND,
    CONFLICT,
    DENIED,
    UNAVAILABLE,
    /** An object failed authentication (tampered, swapped or replayed) or its format is unreadable. */
    INTEGRITY,
    INVALID,
    INTERNAL
  }

  private final Kind kind;

  public StoreException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public StoreException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  public static boolean isNotFound(Throwable t) {
    return t instanceof StoreException e && e.kind == Kind.NOT_FOUND;
  }
}
