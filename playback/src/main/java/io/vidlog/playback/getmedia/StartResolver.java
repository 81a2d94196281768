package io.vidlog.playback.getmedia;

import io.vertx.core.Future;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.index.TimeIndex;
import io.vidlog.fragmentstore.index.TimeIndex.TimestampKind;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.playback.request.StartSelector;

/** Turns a StartSelector into a {@link StartPoint} (docs/wire-protocol.md §2, StartSelectorType semantics). */
final class StartResolver {
  /** Below every fragment number: "subscribe from the start of the live window". */
  static final FragmentNumber BEFORE_ALL = new FragmentNumber("0");

  private final TimeIndex index;

  StartResolver(TimeIndex index) {
    this.index = index;
  }

  Future<StartPoint> resolve(StreamInfo stream, StartSelector selector) {
    return switch (selector.type()) {
      case NOW -> Future.succeededFuture(new StartPoint.Now());
      case EARLIEST -> Future.succeededFuture(new StartPoint.After(BEFORE_ALL));
      // Both resume strictly after the named fragment; a continuation token is the number of the
      // last fragment the reader received completely.
      case FRAGMENT_NUMBER, CONTINUATION_TOKEN -> Future.succeededFuture(new StartPoint.After(
          selector.afterFragmentNumber()));
      case SERVER_TIMESTAMP, PRODUCER_TIMESTAMP -> byTimestamp(stream, selector);
    };
  }

  private Future<StartPoint> byTimestamp(StreamInfo stream, StartSelector selector) {
    boolean producer = selector.type() == StartSelector.Type.PRODUCER_TIMESTAMP;
    if (!stream.persists()) {
      return Future.succeededFuture(new StartPoint.LiveFrom(selector.startTimestampMillis(), producer));
    }
    TimestampKind kind = producer ? TimestampKind.PRODUCER : TimestampKind.SERVER;
    return index.locate(stream, kind, selector.startTimestampMillis()).compose(found -> {
      if (found != null) {
        return Future.succeededFuture(new StartPoint.At(found));
      }
      // Nothing stored at or after the timestamp yet: continue after the newest stored fragment,
      // so the next fragment persisted or published is the first one sent.
      return index.latest(stream).map(latest -> latest == null
          ? new StartPoint.After(BEFORE_ALL)
          : new StartPoint.After(latest.number()));
    });
  }
}
