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
    /**
     * The store has no space left for the write (fs: ENOSPC or EDQUOT). Nothing of the write is
     * visible; the same write succeeds once space is freed, without a restart.
     */
    FULL,
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

  /** True when {@code t} is a {@link Kind#UNAVAILABLE} failure: the store did not answer, or not in time. */
  public static boolean isUnavailable(Throwable t) {
    return t instanceof StoreException e && e.kind == Kind.UNAVAILABLE;
  }

  /** True when {@code t} or one of its causes is a {@link Kind#FULL} failure. */
  public static boolean isFull(Throwable t) {
    return anyCause(t, c -> c instanceof StoreException e && e.kind == Kind.FULL);
  }

  /**
   * True when {@code t} or one of its causes is the file system's "no space left" (ENOSPC) or "disk
   * quota exceeded" (EDQUOT): the JDK reports both only as an {@link java.io.IOException} whose
   * message is the C library's text for the errno (strerror(3)).
   */
  public static boolean isNoSpace(Throwable t) {
    return anyCause(t, c -> {
      String m = c instanceof java.nio.file.FileSystemException fse ? fse.getReason() : c.getMessage();
      return c instanceof java.io.IOException && m != null
          && (m.contains("No space left on device") || m.contains("Disk quota exceeded"));
    });
  }

  private static boolean anyCause(Throwable t, java.util.function.Predicate<Throwable> test) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (test.test(c)) {
        return true;
      }
    }
    return false;
  }
}
