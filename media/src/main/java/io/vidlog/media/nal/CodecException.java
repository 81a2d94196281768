package io.vidlog.media.nal;

/**
 * Why codec data (NAL units, parameter sets, decoder configuration records, AudioSpecificConfig,
 * ADTS headers) was refused: {@link Kind#MALFORMED} (does not follow the bitstream syntax) or
 * {@link Kind#UNSUPPORTED} (valid, but beyond what vidlog handles or over a configured limit), with
 * the offset of the offending value. The offset is in bytes within the structure being parsed
 * (for parameter sets: within the RBSP, after emulation-prevention bytes were removed).
 */
public final class CodecException extends RuntimeException {
  /** The two kinds of failure, never confused. */
  public enum Kind { MALFORMED, UNSUPPORTED }

  private final Kind kind;
  private final long offset;

  public CodecException(Kind kind, long offset, String message) {
    super(message + " at offset " + offset);
    this.kind = kind;
    this.offset = offset;
  }

  public static CodecException malformed(long offset, String message) {
    return new CodecException(Kind.MALFORMED, offset, message);
  }

  public static CodecException unsupported(long offset, String message) {
    return new CodecException(Kind.UNSUPPORTED, offset, message);
  }

  public Kind kind() {
    return kind;
  }

  public long offset() {
    return offset;
  }
}
