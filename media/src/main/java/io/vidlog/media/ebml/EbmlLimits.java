package io.vidlog.media.ebml;

/**
 * Bounds an {@link EbmlReader} enforces on sizes read from the wire before anything is allocated.
 *
 * @param maxBufferedSize largest element data the reader will buffer for {@link EbmlProcessor.Action#BUFFER}
 * @param maxDepth deepest nesting of open master elements
 */
public record EbmlLimits(long maxBufferedSize, int maxDepth) {
  public EbmlLimits {
    if (maxBufferedSize < 0 || maxBufferedSize > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("maxBufferedSize out of range: " + maxBufferedSize);
    }
    if (maxDepth < 1 || maxDepth > 1024) {
      throw new IllegalArgumentException("maxDepth out of range: " + maxDepth);
    }
  }
}
