package io.vidlog.fragmentstore.index;

import io.vertx.core.Future;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.FragmentRecord;
import io.vidlog.fragmentstore.Rejected;
import io.vidlog.fragmentstore.Sealers;
import io.vidlog.fragmentstore.chunk.FragmentArchive;
import io.vidlog.fragmentstore.crypto.ObjectSealer;
import io.vidlog.fragmentstore.index.StreamState.Snapshot;
import io.vidlog.fragmentstore.object.ObjectStore;
import io.vidlog.fragmentstore.streams.CallerContext;
import io.vidlog.fragmentstore.streams.StreamInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable {@link TimeIndex} (docs/architecture.md §Storage, "Time index"). On the object store
 * a stream's index is
 * <ul>
 *   <li>immutable sealed segment objects {@code streams/<streamId>/index/<first>-<last>}, written
 *       every {@link IndexConfig#segmentSize()} appended fragments (and on {@link #flushAll()});</li>
 *   <li>a sealed summary object {@code streams/<streamId>/index-summary}: one small entry per
 *       segment (numbers, count, server-time range, producer-time intervals), rewritten now and
 *       then; segments written after it are found by listing after its last one, and a lost
 *       summary is rebuilt from the segments;</li>
 *   <li>the newest tail, not yet in a segment, which is rebuilt from the chunks themselves
 *       ({@link FragmentArchive#list} after the last segment, then {@link FragmentArchive#header});</li>
 *   <li>a sealed floor object {@code streams/<streamId>/index-floor} naming the newest fragment that
 *       retention removed, written before anything is removed, so expired entries of a partly
 *       expired segment or of chunks not yet deleted never come back.</li>
 * </ul>
 * In memory each stream holds only the summary of its segments and the tail ({@link StreamState}),
 * loaded lazily on first use (a bounded number of streams at a time); a query loads the segments it
 * needs through one {@link SegmentCache} bounded in bytes for the whole server. So memory follows
 * what is queried, not what is retained. A node with an empty disk rebuilds any stream's index
 * from the object store alone, equal to the one it had (ingest appends
 * {@link FragmentRecords#fromHeader} records).
 *
 * <p>The parts: {@code IndexObjects} reads and writes the sealed objects, {@code StreamLoad} loads a
 * stream's resident part, {@code SegmentWriter} seals the tail into segments and rewrites the
 * summary, {@code RetentionPass} expires, and {@code IndexQueries} answers over a snapshot.
 */
public final class ObjectStoreTimeIndex implements TimeIndex {
  public static final String SEGMENT_KIND = "index";
  public static final String FLOOR_KIND = "index-floor";
  public static final String SUMMARY_KIND = "index-summary";
  private static final Logger LOG = LoggerFactory.getLogger(ObjectStoreTimeIndex.class);

  /** What a retention pass removed: how many fragments, and the floor now (null: none yet). */
  public record Expiry(long fragments, FragmentNumber floor) {}

  private final IndexObjects objects;
  private final AsyncLimiter loads;
  private final SegmentCache cache;
  private final SegmentWriter writer;
  private final StreamLoad loader;
  private final IndexQueries queries = new IndexQueries(this::segment);
  private final ConcurrentHashMap<String, Future<StreamState>> states = new ConcurrentHashMap<>();

  /**
   * With one sealer for every stream (for example the {@code system} scope's keys): index objects
   * are sealed under scope {@code system}, with the stream id in the sealed name, so they stay bound
   * to their stream. Prefer {@link #ObjectStoreTimeIndex(ObjectStore, Sealers, FragmentArchive,
   * IndexConfig)}, which seals them under the stream's own keys.
   */
  public ObjectStoreTimeIndex(ObjectStore store, ObjectSealer sealer, FragmentArchive archive, IndexConfig config) {
    this(store, Sealers.of(sealer), false, archive, config);
  }

  /** With the sealer of each stream's scope (its creation id) from {@code sealers}. */
  public ObjectStoreTimeIndex(ObjectStore store, Sealers sealers, FragmentArchive archive, IndexConfig config) {
    this(store, sealers, true, archive, config);
  }

  private ObjectStoreTimeIndex(ObjectStore store, Sealers sealers, boolean perStreamScope, FragmentArchive archive,
      IndexConfig config) {
    this.objects = new IndexObjects(store, sealers, perStreamScope);
    this.loads = new AsyncLimiter(config.maxConcurrentLoads());
    this.cache = new SegmentCache(config.cacheBytes());
    this.writer = new SegmentWriter(objects, cache, config);
    this.loader = new StreamLoad(objects, archive, cache, config, writer);
  }

  public static String segmentPrefix(String streamId) {
    return IndexObjects.segmentPrefix(streamId);
  }

  public static String floorKey(String streamId) {
    return IndexObjects.floorKey(streamId);
  }

  public static String summaryKey(String streamId) {
    return IndexObjects.summaryKey(streamId);
  }

  // ------------------------------------------------------------------------------ TimeIndex

  @Override
  public Future<Void> append(StreamInfo stream, FragmentRecord record) {
    return CallerContext.deliver(state(stream).compose(st -> {
      Future<Void> appended = appendTo(st, record);
      writer.maybeFlush(st, false);
      return appended;
    }));
  }

  @Override
  public Future<FragmentRecord> get(StreamInfo stream, FragmentNumber number) {
    return query(stream, s -> queries.get(s, number));
  }

  @Override
  public Future<FragmentRecord> next(StreamInfo stream, FragmentNumber after) {
    return query(stream, s -> queries.next(s, after));
  }

  @Override
  public Future<FragmentRecord> earliest(StreamInfo stream) {
    return query(stream, queries::earliest);
  }

  @Override
  public Future<FragmentRecord> latest(StreamInfo stream) {
    return query(stream, queries::latest);
  }

  @Override
  public Future<FragmentRecord> locate(StreamInfo stream, TimestampKind kind, long millis) {
    return query(stream, s -> queries.locate(s, kind, millis));
  }

  /**
   * ListFragments, {@code max} (at least 1) at a time over {@code from <= to} (the API layer checks
   * both); a token this index did not issue for {@code kind} is {@link Rejected} as BAD_TOKEN.
   */
  @Override
  public Future<Page> range(StreamInfo stream, TimestampKind kind, long fromMillis, long toMillis, int max,
      String pageToken) {
    if (max < 1 || fromMillis > toMillis) {
      throw new IllegalArgumentException("range " + fromMillis + ".." + toMillis + " max " + max);
    }
    PageToken token;
    try {
      token = pageToken == null ? null : PageToken.decode(pageToken, kind);
    } catch (Rejected e) {
      return Future.failedFuture(e);
    }
    return query(stream, s -> queries.range(s, kind, fromMillis, toMillis, max, token));
  }

  /**
   * Removes fragments whose server timestamp is before {@code cutoffMillis} and returns them. It
   * reads every segment it removes to list their records; retention uses {@link #expire}, which
   * drops whole segments without reading them.
   */
  @Override
  public Future<List<FragmentRecord>> expireBefore(StreamInfo stream, long cutoffMillis) {
    return CallerContext.deliver(state(stream).compose(st -> st.writes.run(() -> {
      List<FragmentRecord> gone = new ArrayList<>();
      return new RetentionPass(objects, cache, this::segment, st, cutoffMillis, gone).run().map(x -> gone);
    })));
  }

  /**
   * Retention: removes fragments whose server timestamp is before {@code cutoffMillis}. The new
   * floor is durable before anything is removed; wholly expired segments are dropped from the
   * summary and deleted without being read, at most the one segment the cutoff falls in is read.
   * The chunks at or below the floor are the caller's to delete.
   */
  public Future<Expiry> expire(StreamInfo stream, long cutoffMillis) {
    return CallerContext.deliver(state(stream).compose(st -> st.writes.run(() ->
        new RetentionPass(objects, cache, this::segment, st, cutoffMillis, null).run())));
  }

  /**
   * A fragment another node (the stream's writer in a cluster) has just indexed: added to this
   * node's resident tail so its queries see it at once, never written to the store from here.
   * Ignored when the stream's index is not loaded (a load reads the chunk from the store); a record
   * that does not fit (one was missed, or the writer's view moved on) drops the loaded index, which
   * the next query loads again from the store.
   */
  public void follow(String streamId, FragmentRecord record) {
    Future<StreamState> f = states.get(streamId);
    if (f == null || f.failed()) {
      return;
    }
    f.onSuccess(st -> {
      Future<Void> appended;
      try {
        appended = appendTo(st, record);
      } catch (RuntimeException e) {
        appended = Future.failedFuture(e);
      }
      appended.onFailure(e -> forget(streamId));
    });
  }

  /**
   * Drops from memory the loaded indexes of the streams {@code writes} rejects: a follower's tail only
   * grows ({@link #follow}), and the next query of such a stream reads the writer's segments instead.
   */
  public void forgetUnless(java.util.function.Predicate<String> writes) {
    for (String id : List.copyOf(states.keySet())) {
      if (!writes.test(id)) {
        forget(id);
      }
    }
  }

  // ------------------------------------------------------------------------------ lifecycle

  /** The newest fragment number retention removed from a stream's index (null: none). */
  public Future<FragmentNumber> floor(StreamInfo stream) {
    return CallerContext.deliver(state(stream).map(st -> {
      synchronized (st) {
        return st.floor == null ? null : st.floor.render();
      }
    }));
  }

  /** Drops a stream's index from memory (deleted stream); its objects are freed with the stream's. */
  public void forget(String streamId) {
    states.remove(streamId);
    cache.invalidatePrefix(segmentPrefix(streamId));
  }

  /** Writes every loaded stream's unflushed entries as segments, and changed summaries (periodic timer, shutdown). */
  public Future<Void> flushAll() {
    return flushAll(id -> true);
  }

  /** As {@link #flushAll()}, for the streams {@code writes} accepts (those this node writes, in a cluster). */
  public Future<Void> flushAll(java.util.function.Predicate<String> writes) {
    List<Future<Void>> all = new ArrayList<>();
    for (var e : states.entrySet()) {
      Future<StreamState> f = e.getValue();
      if (f.succeeded() && writes.test(e.getKey())) {
        all.add(writer.maybeFlush(f.result(), true));
      }
    }
    return Future.all(all).mapEmpty();
  }

  /**
   * Writes a stream's whole segments now, with {@code partial} also the rest of its tail, and its
   * summary when due ({@code partial}: when changed); completes when they are durable, after any
   * write already under way (bulk loads, tests).
   */
  public Future<Void> flush(StreamInfo stream, boolean partial) {
    return CallerContext.deliver(state(stream).compose(st -> st.writes.run(() -> writer.flushNow(st, partial))));
  }

  /**
   * Loads a stream's resident part (its summary and tail) if it is not in memory yet: what the
   * first query of a stream does before it answers (bench, warm-up).
   */
  public Future<Void> open(StreamInfo stream) {
    return CallerContext.deliver(state(stream).mapEmpty());
  }

  /**
   * Every entry of a stream in one in-memory index, every segment read (tests, benchmarks, rebuild
   * comparisons): never on a request path.
   */
  public Future<StreamIndex> index(StreamInfo stream) {
    return state(stream).compose(st -> {
      Snapshot s = st.snapshot();
      StreamIndex all = new StreamIndex(stream.streamId());
      all.beginBulk();
      return copyInto(s, s.segments().start(), all).map(v -> {
        s.tail().records().forEach(all::append);
        all.endBulk();
        return all;
      });
    });
  }

  private Future<Void> copyInto(Snapshot s, int i, StreamIndex all) {
    if (i >= s.segments().end()) {
      return Future.succeededFuture();
    }
    return segment(s, i).compose(seg -> {
      seg.records().forEach(all::append);
      return copyInto(s, i + 1, all);
    });
  }

  /** Streams whose index is in memory. */
  public int loadedStreams() {
    return states.size();
  }

  /** The server-wide cache of loaded segments (metrics). */
  public SegmentCache cache() {
    return cache;
  }

  /** Bytes every loaded stream keeps in memory whatever is queried: summaries and tails, not the cache. */
  public long residentBytes() {
    long sum = 0;
    for (Future<StreamState> f : states.values()) {
      if (f.succeeded()) {
        sum += f.result().residentBytes();
      }
    }
    return sum;
  }

  // ------------------------------------------------------------------------------ queries and appends

  private <T> Future<T> query(StreamInfo stream, Function<Snapshot, Future<T>> q) {
    return CallerContext.deliver(state(stream).compose(st -> q.apply(st.snapshot())));
  }

  /** Segment {@code i} of a snapshot, from the cache or the store. */
  private Future<StreamIndex> segment(Snapshot s, int i) {
    SegmentList segs = s.segments();
    String key = segs.objectKey(s.state().prefix, i);
    NumberKey after = segs.exclusiveLowerBound(i, s.floor());
    return cache.get(key, after, () -> objects.readSegment(s.state(), key, segs.first(i), segs.last(i), after));
  }

  private Future<Void> appendTo(StreamState st, FragmentRecord r) {
    NumberKey k = NumberKey.of(r.number());
    synchronized (st) {
      StreamIndex tail = st.tail;
      NumberKey sealed = st.segments.lastNumber();
      boolean toTail = tail.size() > 0 ? k.compareTo(tail.keyAt(0)) >= 0 : sealed == null || k.compareTo(sealed) > 0;
      if (toTail) {
        tail.append(r); // refuses an older number with other contents, ignores a repeat
        return Future.succeededFuture();
      }
    }
    // Older than the tail: a repeat of a sealed fragment is harmless, anything else is refused.
    return queries.get(st.snapshot(), r.number()).map(existing -> {
      if (!r.equals(existing)) {
        throw new IllegalArgumentException("fragment " + r.number() + " is not after the index's latest in stream "
            + st.stream.streamId());
      }
      return null;
    });
  }

  // ------------------------------------------------------------------------------ loading

  private Future<StreamState> state(StreamInfo stream) {
    Future<StreamState> f = states.get(stream.streamId());
    if (f != null && !f.failed()) {
      return f;
    }
    Future<StreamState> fresh = states.compute(stream.streamId(),
        (id, old) -> old != null && !old.failed() ? old : loads.run(() -> loader.load(stream)));
    fresh.onFailure(e -> {
      states.remove(stream.streamId(), fresh);
      LOG.error("loading the index of stream {} failed: {}", stream.streamId(), e.toString());
    });
    return fresh;
  }
}
