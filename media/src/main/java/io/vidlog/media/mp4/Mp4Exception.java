package io.vidlog.media.mp4;

/**
 * Why an MP4 input was refused: {@link Kind#MALFORMED} (not valid ISO/IEC 14496-12) or
 * {@link Kind#UNSUPPORTED} (valid, but beyond what vidlog accepts: a limit, a codec, or a layout
 * such as mdat before its moof), with the byte offset in the input where the offending value
 * starts.
 */
public final class Mp4Exception extends RuntimeException {
  /** The two kinds of failure, never confused. */
  public enum Kind { MALFORMED, UNSUPPORTED }

  private final Kind kind;
  private final long offset;

  public Mp4Exception(Kind kind, long offset, String message) {
    super(message + " at offset " + offset);
    this.kind = kind;
    this.offset = offset;
  }

  public Mp4Exception(Kind kind, long offset, String message, Throwable cause) {
    super(message + " at offset " + offset, cause);
    this.kind = kind;
    this.offset = offset;
  }

  static Mp4Exception malformed(long offset, String message) {
    return new Mp4Exception(Kind.MALFORMED, offset, message);
  }

  static Mp4Exception unsupported(long offset, String message) {
    return new Mp4Exception(Kind.UNSUPPORTED, offset, message);
  }

  public Kind kind() {
    return kind;
  }

  public long offset() {
    return offset;
  }
}
