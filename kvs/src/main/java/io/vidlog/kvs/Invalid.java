package io.vidlog.kvs;

/**
 * The one grammar of InvalidArgumentException messages about a request member, AWS's validation
 * wording: {@code 1 validation error detected: Value at 'StreamName' failed to satisfy constraint:
 * Member must have length between 1 and 256}. The value itself is not echoed (it may be long, or a
 * secret pasted into the wrong field).
 */
public final class Invalid {
  private Invalid() {}

  /** {@code what} completes "Member …", e.g. "must be a string", "is required". */
  public static KvsException field(String field, String what) {
    return KvsError.INVALID_ARGUMENT.exception("1 validation error detected: Value at '" + field
        + "' failed to satisfy constraint: Member " + what);
  }
}
