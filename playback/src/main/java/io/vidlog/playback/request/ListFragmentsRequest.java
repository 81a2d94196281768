package io.vidlog.playback.request;

import io.vertx.core.json.JsonObject;
import io.vidlog.fragmentstore.index.TimeIndex.TimestampKind;
import io.vidlog.fragmentstore.streams.StreamRef;
import java.util.regex.Pattern;

/**
 * A validated ListFragments request (kvs-api.md §3.1). Without a FragmentSelector every fragment is
 * listed (server timestamps from the beginning of time to the end).
 *
 * @param kind which timestamp the range is by
 * @param fromMillis range start, inclusive
 * @param toMillis range end, inclusive
 * @param nextToken the previous page's NextToken, or null
 */
public record ListFragmentsRequest(StreamRef stream, TimestampKind kind, long fromMillis, long toMillis,
    int maxResults, String nextToken) {

  public static final int MAX_RESULTS = 1000;
  private static final Pattern NEXT_TOKEN = Pattern.compile("[a-zA-Z0-9+/]{1,4094}={0,2}");

  public static ListFragmentsRequest parse(JsonObject json) {
    if (json == null) {
      throw JsonFields.invalid("A JSON request body is required");
    }
    StreamRef stream = JsonFields.stream(json);
    Long max = JsonFields.integer(json, "MaxResults");
    if (max != null && (max < 1 || max > MAX_RESULTS)) {
      throw JsonFields.invalid("MaxResults must be between 1 and " + MAX_RESULTS);
    }
    String next = JsonFields.string(json, "NextToken");
    if (next != null && (next.length() > 4096 || !NEXT_TOKEN.matcher(next).matches())) {
      throw JsonFields.invalid("NextToken must be 1-4096 characters of base64");
    }
    TimestampKind kind = TimestampKind.SERVER;
    long from = Long.MIN_VALUE;
    long to = Long.MAX_VALUE;
    JsonObject selector = JsonFields.object(json, "FragmentSelector");
    if (selector != null) {
      String type = JsonFields.string(selector, "FragmentSelectorType");
      if ("SERVER_TIMESTAMP".equals(type)) {
        kind = TimestampKind.SERVER;
      } else if ("PRODUCER_TIMESTAMP".equals(type)) {
        kind = TimestampKind.PRODUCER;
      } else {
        throw JsonFields.invalid("FragmentSelectorType must be PRODUCER_TIMESTAMP or SERVER_TIMESTAMP");
      }
      JsonObject range = JsonFields.object(selector, "TimestampRange");
      if (range == null) {
        throw JsonFields.invalid("FragmentSelector.TimestampRange is required");
      }
      Long start = JsonFields.timestampMillis(range, "StartTimestamp");
      Long end = JsonFields.timestampMillis(range, "EndTimestamp");
      if (start == null || end == null) {
        throw JsonFields.invalid("TimestampRange needs StartTimestamp and EndTimestamp");
      }
      if (start > end) {
        throw JsonFields.invalid("TimestampRange.StartTimestamp must not be after EndTimestamp");
      }
      from = start;
      to = end;
    }
    return new ListFragmentsRequest(stream, kind, from, to, max == null ? MAX_RESULTS : max.intValue(), next);
  }
}
