package io.vidlog.media.fmp4;

/**
 * Why stored fragments cannot make a clip ({@link ClipBuilder}): each reason is one of the
 * documented failures of KVS's GetClip (docs/wire-protocol.md §3.3), which the serving side maps
 * to its error type.
 */
public final class ClipException extends RuntimeException {
  /** What is wrong with the media. */
  public enum Reason {
    /** No track of the clip is H.264 or H.265 video (KVS: UnsupportedStreamMediaType). */
    NO_VIDEO,
    /** A track changes codec (or AAC sample rate) between fragments (UnsupportedStreamMediaType). */
    CODEC_CHANGED,
    /** A track has no CodecPrivate (MissingCodecPrivateData). */
    MISSING_CODEC_PRIVATE,
    /** A track's CodecPrivate cannot be read (InvalidCodecPrivateData). */
    INVALID_CODEC_PRIVATE,
    /** A frame is not what its codec configuration says, e.g. not length-prefixed NAL units (InvalidMediaFrame). */
    INVALID_FRAME,
    /** A fragment read for the second time differs from its first reading (an internal failure). */
    FRAGMENT_CHANGED
  }

  private final Reason reason;

  public ClipException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public ClipException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
