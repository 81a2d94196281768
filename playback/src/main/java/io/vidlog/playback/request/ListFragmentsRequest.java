package io.vidlog.playback.request;

import io.vidlog.fragmentstore.index.TimeIndex.TimestampKind;
import io.vidlog.kvs.Invalid;
import io.vidlog.kvs.Paging;
import io.vidlog.kvs.StreamRef;
import io.vidlog.kvs.http.Fields;

/**
 * A validated ListFragments request (docs/wire-protocol.md §3.1). Without a FragmentSelector every
 * fragment is listed (server timestamps from the beginning of time to the end).
 *
 * @param kind which timestamp the range is by
 * @param fromMillis range start, inclusive
 * @param toMillis range end, inclusive
 * @param nextToken the previous page's NextToken, or null
 */
public record ListFragmentsRequest(StreamRef stream, TimestampKind kind, long fromMillis, long toMillis,
    int maxResults, String nextToken) {

  public static ListFragmentsRequest parse(Fields f) {
    StreamRef stream = f.stream();
    int max = Paging.LIST_FRAGMENTS.pageSize("MaxResults", f.integer("MaxResults", Long.MIN_VALUE, Long.MAX_VALUE,
        false));
    String next = f.string("NextToken", 1, Paging.MAX_NEXT_TOKEN, Paging.NEXT_TOKEN_BASE64, false);
    TimestampKind kind = TimestampKind.SERVER;
    long from = Long.MIN_VALUE;
    long to = Long.MAX_VALUE;
    Fields selector = f.object("FragmentSelector", false);
    if (selector != null) {
      kind = selector.enumOf("FragmentSelectorType", FragmentSelectorType.class, true).kind();
      Fields range = selector.object("TimestampRange", true);
      from = range.timestampMillis("StartTimestamp", true);
      to = range.timestampMillis("EndTimestamp", true);
      if (from > to) {
        throw Invalid.field("FragmentSelector.TimestampRange", "StartTimestamp must not be after EndTimestamp");
      }
    }
    return new ListFragmentsRequest(stream, kind, from, to, max, next);
  }
}
