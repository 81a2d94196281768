package io.vidlog.playback.request;

import io.vidlog.fragmentstore.index.TimeIndex.TimestampKind;
import io.vidlog.kvs.Invalid;
import io.vidlog.kvs.StreamRef;
import io.vidlog.kvs.http.Fields;

/**
 * A validated GetClip request (docs/wire-protocol.md §3.3): the stream and a ClipFragmentSelector,
 * every member required. The range is inclusive and compared with fragment start timestamps; its
 * end must be after its start and within 24 hours of it, and with SERVER_TIMESTAMP not in the
 * future (KVS's ClipTimestampRange rules).
 *
 * @param startMillis range start, inclusive
 * @param endMillis range end, inclusive
 */
public record ClipRequest(StreamRef stream, TimestampKind kind, long startMillis, long endMillis) {
  /** KVS: EndTimestamp within 24 hours of StartTimestamp. */
  public static final long MAX_RANGE_MILLIS = 24 * 3600 * 1000L;
  private static final String RANGE = "ClipFragmentSelector.TimestampRange";

  /** Reads the request; {@code nowMillis} is the server's clock (a SERVER_TIMESTAMP end may not be after it). */
  public static ClipRequest parse(Fields f, long nowMillis) {
    StreamRef stream = f.stream();
    Fields selector = f.object("ClipFragmentSelector", true);
    TimestampKind kind = selector.enumOf("FragmentSelectorType", FragmentSelectorType.class, true).kind();
    Fields range = selector.object("TimestampRange", true);
    long start = range.timestampMillis("StartTimestamp", true);
    long end = range.timestampMillis("EndTimestamp", true);
    if (end <= start) {
      throw Invalid.field(RANGE, "EndTimestamp must be later than StartTimestamp");
    }
    if (end - start > MAX_RANGE_MILLIS) {
      throw Invalid.field(RANGE, "EndTimestamp must be within 24 hours of StartTimestamp");
    }
    if (kind == TimestampKind.SERVER && end > nowMillis) {
      throw Invalid.field(RANGE, "EndTimestamp must be in the past with SERVER_TIMESTAMP");
    }
    return new ClipRequest(stream, kind, start, end);
  }
}
