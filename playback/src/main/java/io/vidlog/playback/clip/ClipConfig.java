package io.vidlog.playback.clip;

/**
 * GetClip limits (docs/wire-protocol.md §3.3, §6; defaults follow KVS).
 *
 * @param maxBytes frame payload bytes in one clip: a longer range gives its first this-many bytes
 *     (KVS: the first 100 MB)
 * @param maxFragments fragments in one clip (KVS: the first 200)
 * @param maxSamples frames in one clip: bounds the moov and the plan (about 24 bytes a frame) for
 *     streams of many tiny frames
 * @param concurrentPerStream clips being served at once per stream; more are refused with
 *     ClientLimitExceededException (KVS allows 1 GetClip call per second per stream)
 */
public record ClipConfig(long maxBytes, int maxFragments, int maxSamples, int concurrentPerStream) {
  public static final ClipConfig DEFAULTS = new ClipConfig(100L << 20, 200, 1 << 20, 2);

  public ClipConfig {
    if (maxBytes < 1 || maxFragments < 1 || maxSamples < 1 || concurrentPerStream < 1) {
      throw new IllegalArgumentException("clip limits must be positive: " + maxBytes + " bytes, " + maxFragments
          + " fragments, " + maxSamples + " samples, " + concurrentPerStream + " per stream");
    }
  }

  public ClipConfig withMaxBytes(long bytes) {
    return new ClipConfig(bytes, maxFragments, maxSamples, concurrentPerStream);
  }

  public ClipConfig withMaxFragments(int n) {
    return new ClipConfig(maxBytes, n, maxSamples, concurrentPerStream);
  }
}
