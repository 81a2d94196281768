package io.vidlog.media;

/**
 * Why media input was refused, whatever the container or codec: the {@link Format} whose rules
 * were applied, the {@link Kind} of failure and the byte offset where the offending value starts.
 * Messages name the value; {@link #getMessage()} reads like {@code "MKV: Block of 52428800 bytes
 * exceeds maxFrameSize 262144 at offset 97"}.
 *
 * <p>Offsets: for containers (EBML, MKV, MP4) the absolute offset in the input stream or file;
 * for codec structures (H.264, H.265, AAC, NAL framing) the offset within the structure being
 * parsed (a decoder configuration record, an SPS after emulation-prevention bytes were removed, an
 * AVCC frame), since those are parsed on their own; {@link #UNKNOWN_OFFSET} when none applies.
 */
public final class MediaFormatException extends RuntimeException {
  /** {@link #offset()} when no offset applies. */
  public static final long UNKNOWN_OFFSET = -1;

  /** Whose rules the input broke. */
  public enum Format {
    /** RFC 8794 framing: ids, sizes, nesting. */
    EBML("EBML"),
    /** RFC 9559 Matroska meaning: elements, blocks, lacing, timecodes, codec ids. */
    MKV("MKV"),
    /** ISO/IEC 14496-12 boxes, sample tables and fragments. */
    MP4("MP4"),
    /** ITU-T H.264 parameter sets and the AVC decoder configuration record (ISO/IEC 14496-15 §5). */
    H264("H.264"),
    /** ITU-T H.265 parameter sets and the HEVC decoder configuration record (ISO/IEC 14496-15 §8). */
    H265("H.265"),
    /** NAL unit framing shared by H.264 and H.265: Annex-B start codes and length prefixes. */
    NAL("NAL"),
    /** ISO/IEC 14496-3 AudioSpecificConfig and ADTS headers. */
    AAC("AAC");

    private final String label;

    Format(String label) {
      this.label = label;
    }

    /** How messages name the format. */
    public String label() {
      return label;
    }

    /** Input that breaks this format's syntax, e.g. {@code throw MP4.malformed(offset, "...")}. */
    public MediaFormatException malformed(long offset, String detail) {
      return new MediaFormatException(this, Kind.MALFORMED, offset, detail);
    }

    /** Valid input of this format that vidlog does not accept. */
    public MediaFormatException unsupported(long offset, String detail) {
      return new MediaFormatException(this, Kind.UNSUPPORTED, offset, detail);
    }
  }

  /** The kinds of failure, never confused. */
  public enum Kind {
    /** The input breaks the format's syntax: no reader could make sense of it. */
    MALFORMED,
    /** Valid input beyond what vidlog accepts: a configured limit, a feature or a layout it does not read. */
    UNSUPPORTED,
    /**
     * Valid input within every limit, refused because buffering it would overdraw a memory budget
     * shared with other input ({@link ByteBudget}): a matter of load, not of the bytes.
     */
    OVER_BUDGET
  }

  private final Format format;
  private final Kind kind;
  private final long offset;
  private final String detail;
  private final transient ByteBudget budget;

  public MediaFormatException(Format format, Kind kind, long offset, String detail) {
    this(format, kind, offset, detail, null);
  }

  public MediaFormatException(Format format, Kind kind, long offset, String detail, Throwable cause) {
    this(format, kind, offset, detail, cause, null);
  }

  private MediaFormatException(Format format, Kind kind, long offset, String detail, Throwable cause,
      ByteBudget budget) {
    super(format.label() + ": " + detail + (offset == UNKNOWN_OFFSET ? "" : " at offset " + offset), cause);
    this.format = format;
    this.kind = kind;
    this.offset = offset;
    this.detail = detail;
    this.budget = budget;
  }

  /** {@link Kind#OVER_BUDGET}: buffering the value at {@code offset} would overdraw {@code budget}. */
  static MediaFormatException overBudget(Format format, long offset, String detail, ByteBudget budget) {
    return new MediaFormatException(format, Kind.OVER_BUDGET, offset, detail, null, budget);
  }

  public Format format() {
    return format;
  }

  public Kind kind() {
    return kind;
  }

  /** Where the offending value starts (see the class comment), or {@link #UNKNOWN_OFFSET}. */
  public long offset() {
    return offset;
  }

  /** The message without the format prefix and the offset suffix. */
  public String detail() {
    return detail;
  }

  /** For {@link Kind#OVER_BUDGET}: the budget that refused (so a caller can tell its budgets apart); else null. */
  public ByteBudget budget() {
    return budget;
  }
}
