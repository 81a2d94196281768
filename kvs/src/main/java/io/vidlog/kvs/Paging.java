package io.vidlog.kvs;

import java.util.regex.Pattern;

/**
 * The paging limits of the KVS list APIs (docs/wire-protocol.md §3.1, §3.2, §4, §6), checked once
 * where a request is read; stores below page with whatever valid size they are given.
 */
public enum Paging {
  /** ListFragments MaxResults: 1–1000, default 1000 (KVS returns up to 1000 when absent). */
  LIST_FRAGMENTS(1_000, 1_000),
  /** ListStreams MaxResults: 1–10000, default 10000. */
  LIST_STREAMS(10_000, 10_000),
  /** GetMediaForFragmentList Fragments: 1–1000 fragment numbers. */
  FRAGMENT_LIST(1_000, 1_000);

  /** ListFragments NextToken: at most this many characters of base64. */
  public static final int MAX_NEXT_TOKEN = 4_096;
  public static final Pattern NEXT_TOKEN_BASE64 = Pattern.compile("[a-zA-Z0-9+/]+={0,2}");

  private final int max;
  private final int defaultSize;

  Paging(int max, int defaultSize) {
    this.max = max;
    this.defaultSize = defaultSize;
  }

  public int max() {
    return max;
  }

  public int defaultSize() {
    return defaultSize;
  }

  /** {@code requested} (null when absent) as a page size; outside 1..max is an InvalidArgumentException. */
  public int pageSize(String field, Long requested) {
    if (requested == null) {
      return defaultSize;
    }
    if (requested < 1 || requested > max) {
      throw Invalid.field(field, "must have value between 1 and " + max);
    }
    return requested.intValue();
  }
}
