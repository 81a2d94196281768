package io.vidlog.fragmentstore.index;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.Sealers;
import io.vidlog.fragmentstore.crypto.ObjectSealer;
import io.vidlog.fragmentstore.crypto.SealContext;
import io.vidlog.fragmentstore.object.ObjectInfo;
import io.vidlog.fragmentstore.object.ObjectStore;
import io.vidlog.fragmentstore.object.StoreException;
import io.vidlog.fragmentstore.streams.StreamInfo;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stream's index objects in the store, sealed: segments {@code streams/<streamId>/index/<first>-<last>},
 * the summary {@code streams/<streamId>/index-summary} and the retention floor
 * {@code streams/<streamId>/index-floor}. Every object's AAD names its stream (as the scope, or
 * inside the name when one sealer serves every stream) and its kind, so none can stand in for another.
 */
final class IndexObjects {
  private static final Logger LOG = LoggerFactory.getLogger(IndexObjects.class);
  private static final int LIST_PAGE = 1_000;

  /** A segment object found by listing. */
  record Listed(String key, NumberKey first, NumberKey last) {}

  private final ObjectStore store;
  private final Sealers sealers;
  /** Index objects sealed under the stream's scope (true) or under {@code system} (one shared sealer). */
  private final boolean perStreamScope;

  IndexObjects(ObjectStore store, Sealers sealers, boolean perStreamScope) {
    this.store = store;
    this.sealers = sealers;
    this.perStreamScope = perStreamScope;
  }

  static String segmentPrefix(String streamId) {
    return "streams/" + streamId + "/index/";
  }

  static String floorKey(String streamId) {
    return "streams/" + streamId + "/index-floor";
  }

  static String summaryKey(String streamId) {
    return "streams/" + streamId + "/index-summary";
  }

  static String segmentKey(String prefix, NumberKey first, NumberKey last) {
    return prefix + first.render().value() + "-" + last.render().value();
  }

  /** Resolved on first need, so a stream that never stored anything gets no data key. */
  Future<ObjectSealer> sealer(StreamState st) {
    synchronized (st) {
      if (st.sealer == null || st.sealer.failed()) {
        st.sealer = sealers.forScope(perStreamScope ? st.stream.streamId() : SealContext.SYSTEM);
      }
      return st.sealer;
    }
  }

  // ------------------------------------------------------------------------------ floor

  /** The newest fragment retention removed; null when none. */
  Future<FragmentNumber> readFloor(StreamState st) {
    return store.get(floorKey(st.stream.streamId()))
        .compose(b -> sealer(st).map(sealer -> new FragmentNumber(
            new String(sealer.open(floorContext(st.stream), b.getBytes()), StandardCharsets.UTF_8))))
        .recover(e -> StoreException.isNotFound(e) ? Future.succeededFuture(null) : Future.failedFuture(e));
  }

  Future<Void> writeFloor(StreamState st, FragmentNumber lastExpired) {
    return sealer(st).compose(sealer -> store.put(floorKey(st.stream.streamId()),
        Buffer.buffer(sealer.seal(floorContext(st.stream), lastExpired.value().getBytes(StandardCharsets.UTF_8)))));
  }

  // ------------------------------------------------------------------------------ summary

  /**
   * The summary object; none yet, or one that does not open or decode, is an empty summary: it
   * only repeats what the segments say, and listing them rebuilds it.
   */
  Future<SegmentList> readSummary(StreamState st) {
    return store.get(summaryKey(st.stream.streamId()))
        .compose(b -> sealer(st).map(sealer -> SegmentList.decode(sealer.open(summaryContext(st.stream),
            b.getBytes()))))
        .recover(e -> {
          if (!StoreException.isNotFound(e)) {
            if (!(e instanceof IllegalArgumentException) && !(e instanceof StoreException se
                && se.kind() == StoreException.Kind.INTEGRITY)) {
              return Future.failedFuture(e);
            }
            LOG.warn("the index summary of stream {} is unreadable ({}); rebuilding it from the segments",
                st.stream.streamId(), e.toString());
          }
          return Future.succeededFuture(SegmentList.EMPTY);
        });
  }

  Future<Void> writeSummary(StreamState st, SegmentList segments) {
    byte[] body = segments.encode();
    return sealer(st).compose(sealer -> store.put(summaryKey(st.stream.streamId()),
        Buffer.buffer(sealer.seal(summaryContext(st.stream), body))));
  }

  // ------------------------------------------------------------------------------ segments

  Future<Void> writeSegment(StreamState st, NumberKey first, NumberKey last, byte[] body) {
    return sealer(st).compose(sealer -> store.put(segmentKey(st.prefix, first, last),
        Buffer.buffer(sealer.seal(segmentContext(st.stream, first, last), body))));
  }

  /**
   * Reads and decodes a segment, keeping its entries after {@code after}. One that is gone because
   * retention removed it after a query took its snapshot holds nothing for that query, as it would
   * had the query come a moment later.
   */
  Future<StreamIndex> readSegment(StreamState st, String key, NumberKey first, NumberKey last, NumberKey after) {
    return sealer(st).compose(sealer -> store.get(key).map(b -> decode(st, sealer, first, last, b, after)))
        .recover(e -> {
          NumberKey floor;
          synchronized (st) {
            floor = st.floor;
          }
          return StoreException.isNotFound(e) && floor != null && floor.compareTo(last) >= 0
              ? Future.succeededFuture(new StreamIndex(st.stream.streamId())) : Future.failedFuture(e);
        });
  }

  /** Reads a listed segment's bytes (the load reads several at once, then decodes them in order). */
  Future<Buffer> readRaw(Listed s) {
    return store.get(s.key());
  }

  StreamIndex decode(StreamState st, ObjectSealer sealer, NumberKey first, NumberKey last, Buffer sealed,
      NumberKey after) {
    return SegmentCodec.decode(st.stream.streamId(), sealer.open(segmentContext(st.stream, first, last),
        sealed.getBytes()), after);
  }

  Future<Void> delete(String key) {
    return store.delete(key);
  }

  /** The stream's segment objects after the key {@code after} (null: all), in key order. */
  Future<List<Listed>> listSegments(StreamState st, String after) {
    return listSegments(st, after, new ArrayList<>());
  }

  private Future<List<Listed>> listSegments(StreamState st, String after, List<Listed> acc) {
    return store.list(st.prefix, after, LIST_PAGE).compose(page -> {
      for (ObjectInfo o : page) {
        String name = o.key().substring(st.prefix.length());
        int dash = name.indexOf('-');
        if (dash <= 0 || !FragmentNumber.isValid(name.substring(0, dash))
            || !FragmentNumber.isValid(name.substring(dash + 1))) {
          LOG.warn("ignoring unexpected object {} in the index of stream {}", o.key(), st.stream.streamId());
          continue;
        }
        acc.add(new Listed(o.key(), NumberKey.of(new FragmentNumber(name.substring(0, dash))),
            NumberKey.of(new FragmentNumber(name.substring(dash + 1)))));
      }
      return page.size() < LIST_PAGE ? Future.succeededFuture(acc)
          : listSegments(st, page.get(page.size() - 1).key(), acc);
    });
  }

  // ------------------------------------------------------------------------------ AAD

  private SealContext floorContext(StreamInfo stream) {
    return sealContext(stream, ObjectStoreTimeIndex.FLOOR_KIND, "floor");
  }

  private SealContext summaryContext(StreamInfo stream) {
    return sealContext(stream, ObjectStoreTimeIndex.SUMMARY_KIND, "summary");
  }

  private SealContext segmentContext(StreamInfo stream, NumberKey first, NumberKey last) {
    return sealContext(stream, ObjectStoreTimeIndex.SEGMENT_KIND, first.render().value() + "-"
        + last.render().value());
  }

  /** The AAD of an index object: always names the stream, as the scope or inside the name. */
  private SealContext sealContext(StreamInfo stream, String kind, String name) {
    return perStreamScope ? new SealContext(stream.streamId(), kind, name)
        : new SealContext(SealContext.SYSTEM, kind, stream.streamId() + "/" + name);
  }
}
