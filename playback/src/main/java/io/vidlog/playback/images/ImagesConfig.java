package io.vidlog.playback.images;

/**
 * GetImages and thumbnail limits (docs/wire-protocol.md §3.4, §6).
 *
 * @param decodeThreads worker threads that decode and encode pictures, for all requests together
 *     (one page decodes on one of them at a time); requests beyond wait for them
 * @param decodedFramesPerPage H.264 frames one page may decode; a page that would need more ends
 *     early with a NextToken (its first image is always made)
 * @param maxFragmentBytes video bytes of one fragment copied for decoding; beyond, MEDIA_ERROR
 * @param concurrentPerStream GetImages requests being answered at once per stream; more are
 *     refused with ClientLimitExceededException
 * @param thumbnailCacheEntries thumbnails kept (one per stream and width)
 */
public record ImagesConfig(int decodeThreads, int decodedFramesPerPage, long maxFragmentBytes,
    int concurrentPerStream, int thumbnailCacheEntries) {
  public static final ImagesConfig DEFAULTS = new ImagesConfig(Math.max(1, Runtime.getRuntime().availableProcessors()),
      250, 64L << 20, 3, 1024);

  public ImagesConfig {
    if (decodeThreads < 1 || decodedFramesPerPage < 1 || maxFragmentBytes < 1 || concurrentPerStream < 1
        || thumbnailCacheEntries < 1) {
      throw new IllegalArgumentException("image limits must be positive: " + this);
    }
  }

  public ImagesConfig withDecodedFramesPerPage(int n) {
    return new ImagesConfig(decodeThreads, n, maxFragmentBytes, concurrentPerStream, thumbnailCacheEntries);
  }

  public ImagesConfig withDecodeThreads(int n) {
    return new ImagesConfig(n, decodedFramesPerPage, maxFragmentBytes, concurrentPerStream, thumbnailCacheEntries);
  }
}
