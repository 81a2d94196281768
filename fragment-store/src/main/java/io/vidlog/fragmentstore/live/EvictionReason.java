package io.vidlog.fragmentstore.live;

/** Why a closed fragment left a live window (counted by {@link MemoryLiveFeeds#evictions}). */
public enum EvictionReason {
  /** Older than {@link LiveFeedConfig#windowMillis()} by its server timestamp. */
  AGE,
  /** Its stream's window held more than {@link LiveFeedConfig#windowBytes()}. */
  WINDOW_BYTES,
  /** All windows together held more than {@link LiveFeedConfig#totalBytes()}; it was the oldest closed one. */
  GLOBAL_BUDGET
}
