package io.vidlog.media.ebml;

/**
 * Why EBML input was refused: {@link Kind#MALFORMED} (violates RFC 8794 framing) or
 * {@link Kind#UNSUPPORTED} (valid, but beyond a configured limit or a feature we do not read),
 * with the absolute byte offset where the offending value starts. Messages name the value.
 */
public final class EbmlException extends RuntimeException {
  /** The two kinds of failure, never confused. */
  public enum Kind { MALFORMED, UNSUPPORTED }

  private final Kind kind;
  private final long offset;
  private final String detail;

  public EbmlException(Kind kind, long offset, String detail) {
    super(detail + " at offset " + offset);
    this.kind = kind;
    this.offset = offset;
    this.detail = detail;
  }

  public static EbmlException malformed(long offset, String detail) {
    return new EbmlException(Kind.MALFORMED, offset, detail);
  }

  public static EbmlException unsupported(long offset, String detail) {
    return new EbmlException(Kind.UNSUPPORTED, offset, detail);
  }

  public Kind kind() {
    return kind;
  }

  public long offset() {
    return offset;
  }

  /** The message without the offset suffix. */
  public String detail() {
    return detail;
  }
}
