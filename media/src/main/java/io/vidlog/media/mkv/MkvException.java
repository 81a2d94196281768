package io.vidlog.media.mkv;

/**
 * Why an MKV input was refused: {@link Kind#MALFORMED} (not valid EBML/Matroska) or
 * {@link Kind#UNSUPPORTED} (valid, but beyond what vidlog accepts, such as a limit or a feature),
 * with the byte offset in the input where the offending value starts.
 */
public final class MkvException extends RuntimeException {
  /** The two kinds of failure, never confused. */
  public enum Kind { MALFORMED, UNSUPPORTED }

  private final Kind kind;
  private final long offset;

  public MkvException(Kind kind, long offset, String message) {
    super(message + " at offset " + offset);
    this.kind = kind;
    this.offset = offset;
  }

  public Kind kind() {
    return kind;
  }

  public long offset() {
    return offset;
  }
}
