package io.vidlog.playback.archive;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vidlog.fragmentstore.FragmentRecord;
import io.vidlog.fragmentstore.index.TimeIndex;
import io.vidlog.kvs.http.Fields;
import io.vidlog.playback.chunk.StreamLookup;
import io.vidlog.playback.request.ListFragmentsRequest;
import java.math.BigDecimal;
import java.util.List;

/**
 * {@code POST /listFragments} (docs/wire-protocol.md §3.1): fragments whose start timestamp lies in the range,
 * a page at a time, from the time index. Timestamps are rest-json epoch seconds with millisecond
 * fractions. A retention-0 stream stores nothing, so its list is empty.
 */
public final class ListFragmentsHandler implements Handler<RoutingContext> {
  private final StreamLookup lookup;
  private final TimeIndex index;

  public ListFragmentsHandler(StreamLookup lookup, TimeIndex index) {
    this.lookup = lookup;
    this.index = index;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Fields.request(ctx)
        .map(ListFragmentsRequest::parse)
        .compose(req -> lookup.find(ctx, req.stream()).compose(stream -> stream.persists()
            ? index.range(stream, req.kind(), req.fromMillis(), req.toMillis(), req.maxResults(), req.nextToken())
            : Future.succeededFuture(new TimeIndex.Page(List.of(), null))))
        .onFailure(ctx::fail)
        .onSuccess(page -> ctx.response()
            .putHeader("Content-Type", "application/json")
            .end(render(page).toBuffer()));
  }

  static JsonObject render(TimeIndex.Page page) {
    JsonArray fragments = new JsonArray();
    for (FragmentRecord r : page.records()) {
      fragments.add(new JsonObject()
          .put("FragmentNumber", r.number().value())
          .put("FragmentSizeInBytes", r.sizeBytes())
          .put("ProducerTimestamp", seconds(r.producerTimestampMillis()))
          .put("ServerTimestamp", seconds(r.serverTimestampMillis()))
          .put("FragmentLengthInMilliseconds", r.durationMillis()));
    }
    JsonObject body = new JsonObject().put("Fragments", fragments);
    if (page.nextToken() != null) {
      body.put("NextToken", page.nextToken());
    }
    return body;
  }

  /** rest-json timestamp: epoch seconds, written as a plain decimal number with millisecond precision. */
  static BigDecimal seconds(long millis) {
    return BigDecimal.valueOf(millis, 3);
  }
}
