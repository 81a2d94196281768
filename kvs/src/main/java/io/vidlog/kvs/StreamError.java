package io.vidlog.kvs;

/**
 * The in-stream error ids GetMedia reports in {@code AWS_KINESISVIDEO_ERROR_ID} once bytes have been
 * sent (docs/wire-protocol.md §2, "Errors inside the stream"), with the code text sent beside them.
 */
public enum StreamError {
  /** The service could not keep writing the stream. */
  WRITE_ERROR(3002, "STREAM_WRITE_ERROR"),
  /** A requested fragment does not exist (any more). */
  FRAGMENT_NOT_FOUND(4000, "FRAGMENT_NOT_FOUND"),
  INTERNAL_ERROR(5000, "INTERNAL_ERROR");

  private final int id;
  private final String code;

  StreamError(int id, String code) {
    this.id = id;
    this.code = code;
  }

  public int id() {
    return id;
  }

  public String code() {
    return code;
  }
}
