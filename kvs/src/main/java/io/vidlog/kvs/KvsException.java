package io.vidlog.kvs;

/**
 * A failure that a KVS client must see as a typed AWS error (docs/wire-protocol.md §0): the server's one
 * failure handler turns it into {@code x-amzn-ErrorType}, the status code and a
 * {@code {"__type","Message"}} body. Every module throws or fails Futures with this type when the
 * cause is the caller's (bad argument, unknown stream, version conflict, denied) or a known
 * service condition; anything else is an internal error.
 */
public final class KvsException extends RuntimeException {
  private final KvsError error;

  public KvsException(KvsError error, String message) {
    super(message, null, false, false);
    this.error = error;
  }

  public KvsException(KvsError error, String message, Throwable cause) {
    super(message, cause, false, false);
    this.error = error;
  }

  public KvsError error() {
    return error;
  }
}
