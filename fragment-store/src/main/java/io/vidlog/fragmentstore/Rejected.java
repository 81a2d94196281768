package io.vidlog.fragmentstore;

/**
 * A store operation refused because of the state it found or a value it cannot use: the stream does
 * not exist or already does, a version check failed, a limit would be crossed, a paging token is not
 * one of ours. This is storage semantics only; the API layer decides what each reason means on the
 * wire (fragment-store knows no HTTP status or AWS error type).
 */
public final class Rejected extends RuntimeException {
  /** Why the store refused. */
  public enum Reason {
    /** No such stream (or it is being deleted). */
    NOT_FOUND,
    /** A stream of that name exists already. */
    ALREADY_EXISTS,
    /** The caller's expected version is not the current one. */
    VERSION_MISMATCH,
    /** The change would exceed the number of tags a stream may have. */
    TOO_MANY_TAGS,
    /** The change would take a value out of its allowed range. */
    OUT_OF_RANGE,
    /** A paging or continuation token this store did not issue (or not for this query). */
    BAD_TOKEN
  }

  private final Reason reason;

  public Rejected(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  public static Rejected notFound(String message) {
    return new Rejected(Reason.NOT_FOUND, message);
  }
}
