package io.vidlog.fragmentstore.index;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.FragmentRecord;
import io.vidlog.fragmentstore.Rejected;
import io.vidlog.fragmentstore.Sealers;
import io.vidlog.fragmentstore.chunk.ChunkHeader;
import io.vidlog.fragmentstore.chunk.FragmentArchive;
import io.vidlog.fragmentstore.crypto.ObjectSealer;
import io.vidlog.fragmentstore.crypto.SealContext;
import io.vidlog.fragmentstore.index.StreamState.Snapshot;
import io.vidlog.fragmentstore.object.ObjectInfo;
import io.vidlog.fragmentstore.object.ObjectStore;
import io.vidlog.fragmentstore.object.StoreException;
import io.vidlog.fragmentstore.streams.CallerContext;
import io.vidlog.fragmentstore.streams.StreamInfo;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
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
 */
public final class ObjectStoreTimeIndex implements TimeIndex {
  public static final String SEGMENT_KIND = "index";
  public static final String FLOOR_KIND = "index-floor";
  public static final String SUMMARY_KIND = "index-summary";
  private static final Logger LOG = LoggerFactory.getLogger(ObjectStoreTimeIndex.class);
  private static final int LIST_PAGE = 1_000;

  /** What a retention pass removed: how many fragments, and the floor now (null: none yet). */
  public record Expiry(long fragments, FragmentNumber floor) {}

  private final ObjectStore store;
  private final Sealers sealers;
  /** Index objects sealed under the stream's scope (true) or under {@code system} (one shared sealer). */
  private final boolean perStreamScope;
  private final FragmentArchive archive;
  private final IndexConfig config;
  private final AsyncLimiter loads;
  private final SegmentCache cache;
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
    this.store = store;
    this.sealers = sealers;
    this.perStreamScope = perStreamScope;
    this.archive = archive;
    this.config = config;
    this.loads = new AsyncLimiter(config.maxConcurrentLoads());
    this.cache = new SegmentCache(config.cacheBytes());
  }

  public static String segmentPrefix(String streamId) {
    return "streams/" + streamId + "/index/";
  }

  public static String floorKey(String streamId) {
    return "streams/" + streamId + "/index-floor";
  }

  public static String summaryKey(String streamId) {
    return "streams/" + streamId + "/index-summary";
  }

  // ------------------------------------------------------------------------------ TimeIndex

  @Override
  public Future<Void> append(StreamInfo stream, FragmentRecord record) {
    return CallerContext.deliver(state(stream).compose(st -> {
      Future<Void> appended = appendTo(st, record);
      maybeFlush(st, false);
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
      return new Expirer(st, cutoffMillis, gone).run().map(x -> gone);
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
        new Expirer(st, cutoffMillis, null).run())));
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
    List<Future<Void>> all = new ArrayList<>();
    for (Future<StreamState> f : states.values()) {
      if (f.succeeded()) {
        all.add(maybeFlush(f.result(), true));
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
    return CallerContext.deliver(state(stream).compose(st -> st.writes.run(() ->
        writeSegments(st, partial).compose(v -> writeSummary(st, partial)))));
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
    return cache.get(key, after, () -> readSegment(s.state(), key, segs.first(i), segs.last(i), after));
  }

  /**
   * Reads and decodes a segment. One that is gone because retention removed it after the query
   * took its snapshot holds nothing for that query, as it would had the query come a moment later.
   */
  private Future<StreamIndex> readSegment(StreamState st, String key, NumberKey first, NumberKey last,
      NumberKey after) {
    return sealer(st).compose(sealer -> store.get(key).map(b ->
        SegmentCodec.decode(st.stream.streamId(), sealer.open(segmentContext(st.stream, first, last), b.getBytes()),
            after)))
        .recover(e -> {
          NumberKey floor;
          synchronized (st) {
            floor = st.floor;
          }
          return StoreException.isNotFound(e) && floor != null && floor.compareTo(last) >= 0
              ? Future.succeededFuture(new StreamIndex(st.stream.streamId())) : Future.failedFuture(e);
        });
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
        (id, old) -> old != null && !old.failed() ? old : loads.run(() -> load(stream)));
    fresh.onFailure(e -> {
      states.remove(stream.streamId(), fresh);
      LOG.error("loading the index of stream {} failed: {}", stream.streamId(), e.toString());
    });
    return fresh;
  }

  /**
   * Floor, then the summary, then the segments written after it (listed, read and summarized),
   * then the tail from chunk headers: the first query of a stream reads its summary, not every
   * segment.
   */
  private Future<StreamState> load(StreamInfo stream) {
    StreamState st = new StreamState(stream, segmentPrefix(stream.streamId()));
    long t0 = System.nanoTime();
    st.tail.beginBulk();
    int[] listed = new int[1];
    Future<FragmentNumber> floorRead = readFloor(st);
    Future<SegmentList> summaryRead = readSummary(st);
    return Future.all(floorRead, summaryRead)
        .compose(both -> {
          FragmentNumber floor = floorRead.result();
          SegmentList summary = summaryRead.result();
          st.floor = floor == null ? null : NumberKey.of(floor);
          SegmentList kept = summary.dropFirst(summary.countEndingAtOrBefore(st.floor));
          st.segments = kept;
          // the first segment's entries at or below the floor are not counted in the summary's count
          st.firstExpired = !kept.isEmpty() && st.floor != null && kept.first(kept.start()).compareTo(st.floor) <= 0
              ? -1 : 0;
          String after = summary.isEmpty() ? null : summary.objectKey(st.prefix, summary.end() - 1);
          return listSegments(st, after, new ArrayList<>());
        })
        .compose(found -> {
          listed[0] = found.size();
          found.sort(Comparator.comparing((ListedSegment s) -> s.first).thenComparing(s -> s.last));
          return found.isEmpty() ? Future.<Void>succeededFuture() : readListed(st, found, 0);
        })
        .compose(v -> {
          NumberKey after = st.segments.lastNumber();
          if (st.floor != null && (after == null || st.floor.compareTo(after) > 0)) {
            after = st.floor;
          }
          return readTail(st, after == null ? null : after.render());
        })
        .map(v -> {
          st.tail.endBulk();
          LOG.info("index of stream {} loaded: {} segments in its summary, {} listed after it, {} tail fragments, "
              + "in {} ms", stream.streamId(), st.segments.size() - st.summaryChanges, listed[0], st.tail.size(),
              (System.nanoTime() - t0) / 1_000_000);
          if (st.summaryChanges > 0) {
            // so that the next start reads this stream's summary instead of these segments again
            st.writes.run(() -> writeSummary(st, true));
          }
          return st;
        });
  }

  private Future<ObjectSealer> sealer(StreamState st) {
    synchronized (st) {
      if (st.sealer == null || st.sealer.failed()) {
        st.sealer = sealers.forScope(perStreamScope ? st.stream.streamId() : SealContext.SYSTEM);
      }
      return st.sealer;
    }
  }

  private Future<FragmentNumber> readFloor(StreamState st) {
    return store.get(floorKey(st.stream.streamId()))
        .compose(b -> sealer(st).map(sealer -> new FragmentNumber(
            new String(sealer.open(floorContext(st.stream), b.getBytes()), StandardCharsets.UTF_8))))
        .recover(e -> StoreException.isNotFound(e) ? Future.succeededFuture(null) : Future.failedFuture(e));
  }

  private Future<Void> writeFloor(StreamState st, FragmentNumber lastExpired) {
    return sealer(st).compose(sealer -> store.put(floorKey(st.stream.streamId()),
        Buffer.buffer(sealer.seal(floorContext(st.stream), lastExpired.value().getBytes(StandardCharsets.UTF_8)))));
  }

  /**
   * The summary object; none yet, or one that does not open or decode, is an empty summary: it
   * only repeats what the segments say, and listing them rebuilds it.
   */
  private Future<SegmentList> readSummary(StreamState st) {
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

  private Future<Void> writeSummary(StreamState st, boolean force) {
    int changes;
    SegmentList segs;
    synchronized (st) {
      changes = st.summaryChanges;
      segs = st.segments;
    }
    if (changes == 0 || (!force && changes < summaryInterval(segs.size()))) {
      return Future.succeededFuture();
    }
    byte[] body = segs.encode();
    return sealer(st)
        .compose(sealer -> store.put(summaryKey(st.stream.streamId()),
            Buffer.buffer(sealer.seal(summaryContext(st.stream), body))))
        .map(v -> {
          synchronized (st) {
            st.summaryChanges -= changes;
          }
          return (Void) null;
        })
        .recover(e -> {
          // the segments are durable; a later write or a rebuild from them catches up
          LOG.warn("writing the index summary of stream {} failed: {}", st.stream.streamId(), e.toString());
          return Future.succeededFuture();
        });
  }

  /**
   * How many segments may be written before the summary is rewritten: at least 16, at most 256,
   * and 1/64 of the summary in between, so rewriting costs a bounded multiple of the segments
   * written and a load lists and reads at most 256 segments beyond the summary.
   */
  static int summaryInterval(int segments) {
    return Math.max(16, Math.min(256, segments / 64));
  }

  private SealContext floorContext(StreamInfo stream) {
    return sealContext(stream, FLOOR_KIND, "floor");
  }

  private SealContext summaryContext(StreamInfo stream) {
    return sealContext(stream, SUMMARY_KIND, "summary");
  }

  private SealContext segmentContext(StreamInfo stream, NumberKey first, NumberKey last) {
    return sealContext(stream, SEGMENT_KIND, first.render().value() + "-" + last.render().value());
  }

  /** The AAD of an index object: always names the stream, as the scope or inside the name. */
  private SealContext sealContext(StreamInfo stream, String kind, String name) {
    return perStreamScope ? new SealContext(stream.streamId(), kind, name)
        : new SealContext(SealContext.SYSTEM, kind, stream.streamId() + "/" + name);
  }

  /** A segment object found by listing. */
  private record ListedSegment(String key, NumberKey first, NumberKey last) {}

  private Future<List<ListedSegment>> listSegments(StreamState st, String after, List<ListedSegment> acc) {
    return store.list(st.prefix, after, LIST_PAGE).compose(page -> {
      for (ObjectInfo o : page) {
        String name = o.key().substring(st.prefix.length());
        int dash = name.indexOf('-');
        if (dash <= 0 || !FragmentNumber.isValid(name.substring(0, dash))
            || !FragmentNumber.isValid(name.substring(dash + 1))) {
          LOG.warn("ignoring unexpected object {} in the index of stream {}", o.key(), st.stream.streamId());
          continue;
        }
        acc.add(new ListedSegment(o.key(), NumberKey.of(new FragmentNumber(name.substring(0, dash))),
            NumberKey.of(new FragmentNumber(name.substring(dash + 1)))));
      }
      return page.size() < LIST_PAGE ? Future.succeededFuture(acc)
          : listSegments(st, page.get(page.size() - 1).key(), acc);
    });
  }

  /**
   * Reads the listed segments in groups of readParallelism and adds each, in order, to the
   * summary: wholly expired ones (their deletion did not finish) and ones another already covers
   * are skipped.
   */
  private Future<Void> readListed(StreamState st, List<ListedSegment> listed, int from) {
    if (from >= listed.size()) {
      return Future.succeededFuture();
    }
    int to = Math.min(listed.size(), from + config.readParallelism());
    List<Future<Buffer>> reads = new ArrayList<>();
    for (int i = from; i < to; i++) {
      reads.add(store.get(listed.get(i).key()));
    }
    return Future.all(reads).compose(all -> sealer(st)).compose(sealer -> {
      for (int i = from; i < to; i++) {
        ListedSegment s = listed.get(i);
        NumberKey sealed = st.segments.lastNumber();
        if ((st.floor != null && s.last().compareTo(st.floor) <= 0) || (sealed != null && s.last().compareTo(sealed) <= 0)) {
          continue;
        }
        NumberKey after = sealed != null ? sealed : st.floor;
        StreamIndex seg = SegmentCodec.decode(st.stream.streamId(),
            sealer.open(segmentContext(st.stream, s.first(), s.last()), reads.get(i - from).result().getBytes()), after);
        st.segments = st.segments.with(s.first(), s.last(), seg.sketch(SegmentSketch.MAX_INTERVALS));
        st.summaryChanges++;
        cache.put(s.key(), after, seg);
      }
      return readListed(st, listed, to);
    });
  }

  /** Rebuilds the entries after the last segment from chunk headers. */
  private Future<Void> readTail(StreamState st, FragmentNumber after) {
    return archive.list(st.stream, after, LIST_PAGE).compose(numbers -> {
      if (numbers.isEmpty()) {
        return Future.succeededFuture();
      }
      return readHeaders(st, numbers, 0).compose(v -> numbers.size() < LIST_PAGE ? Future.succeededFuture()
          : readTail(st, numbers.get(numbers.size() - 1)));
    });
  }

  private Future<Void> readHeaders(StreamState st, List<FragmentNumber> numbers, int from) {
    if (from >= numbers.size()) {
      return Future.succeededFuture();
    }
    int to = Math.min(numbers.size(), from + config.readParallelism());
    List<Future<ChunkHeader>> reads = new ArrayList<>();
    for (int i = from; i < to; i++) {
      reads.add(archive.header(st.stream, numbers.get(i)));
    }
    return Future.all(reads).compose(all -> {
      for (Future<ChunkHeader> h : reads) {
        FragmentRecord r = FragmentRecords.fromHeader(h.result());
        FragmentRecord latest = st.tail.latest();
        if (latest == null || r.number().compareTo(latest.number()) > 0) {
          st.tail.append(r);
        }
      }
      return readHeaders(st, numbers, to);
    });
  }

  // ------------------------------------------------------------------------------ writing segments

  /**
   * Writes the tail's oldest entries as segments while a whole one is there ({@code force}: all of
   * it), then the summary when enough changed ({@code force}: anything). One writer per stream at a
   * time, shared with retention.
   */
  private Future<Void> maybeFlush(StreamState st, boolean force) {
    synchronized (st) {
      if (!force) {
        if (st.flushQueued || st.tail.size() < config.segmentSize()) {
          return Future.succeededFuture();
        }
        st.flushQueued = true;
      }
    }
    return st.writes.run(() -> {
      if (!force) {
        synchronized (st) {
          st.flushQueued = false;
        }
      }
      return writeSegments(st, force).compose(v -> writeSummary(st, force));
    });
  }

  private Future<Void> writeSegments(StreamState st, boolean force) {
    StreamIndex seg;
    synchronized (st) {
      int n = st.tail.size();
      if (n == 0 || (n < config.segmentSize() && !force)) {
        return Future.succeededFuture();
      }
      // entries [0, k) of the tail stay as they are: appends add at the end, and only this writer replaces the tail
      seg = st.tail.copy(0, Math.min(n, config.segmentSize()));
    }
    NumberKey first = seg.keyAt(0);
    NumberKey last = seg.keyAt(seg.size() - 1);
    String key = st.prefix + first.render().value() + "-" + last.render().value();
    byte[] body = SegmentCodec.encode(seg, 0, seg.size());
    return sealer(st)
        .compose(sealer -> store.put(key, Buffer.buffer(sealer.seal(segmentContext(st.stream, first, last), body))))
        .transform(ar -> {
          if (ar.failed()) {
            // the entries stay in the tail and in their chunks; the next append or flush tries again
            LOG.warn("writing index segment {} failed: {}", key, ar.cause().toString());
            return Future.failedFuture(ar.cause());
          }
          NumberKey after;
          synchronized (st) {
            after = st.segments.isEmpty() ? st.floor : st.segments.lastNumber();
            st.segments = st.segments.with(first, last, seg.sketch(SegmentSketch.MAX_INTERVALS));
            st.tail = st.tail.copyAfter(last);
            st.summaryChanges++;
          }
          cache.put(key, after, seg);
          return writeSegments(st, force);
        });
  }

  // ------------------------------------------------------------------------------ retention

  /**
   * One retention pass over a stream, run by its writer: finds the newest expired fragment (from
   * the summary, reading at most the segment the cutoff falls in), makes it the durable floor,
   * then drops whole segments and the expired part of the tail, and deletes the dropped segments.
   * With {@code collect}, the removed records are listed too (reading the removed segments).
   */
  private final class Expirer {
    private final StreamState st;
    private final long cutoff;
    private final List<FragmentRecord> collect;
    private final Snapshot s;
    private final SegmentList segs;
    /** The first segment not wholly before the cutoff (segs.end() when none). */
    private final int boundary;

    Expirer(StreamState st, long cutoff, List<FragmentRecord> collect) {
      this.st = st;
      this.cutoff = cutoff;
      this.collect = collect;
      this.s = st.snapshot();
      this.segs = s.segments();
      int j = segs.start();
      while (j < segs.end() && (segs.count(j) == 0 || segs.serverMax(j) < cutoff)) {
        j++;
      }
      this.boundary = j;
    }

    Future<Expiry> run() {
      return partial().compose(part -> {
        NumberKey lastExpired = part.lastExpired;
        if (lastExpired == null || (s.floor() != null && lastExpired.compareTo(s.floor()) <= 0)) {
          return Future.succeededFuture(new Expiry(0, s.floor() == null ? null : s.floor().render()));
        }
        return wholeCount().compose(whole -> collectWhole(segs.start()).compose(v -> {
          if (collect != null) {
            collect.addAll(part.records);
          }
          return writeFloor(st, lastExpired.render());
        }).map(v -> {
          List<String> dropped = apply(lastExpired, part.count);
          dropped.forEach(cache::invalidate);
          return dropped;
        }).compose(dropped -> {
          List<Future<Void>> deletes = new ArrayList<>();
          dropped.forEach(key -> deletes.add(store.delete(key)));
          return Future.all(deletes);
        }).map(x -> new Expiry(whole + part.count, lastExpired.render())));
      });
    }

    /** What expires from the boundary segment, or from the tail when every segment expires. */
    private record Part(NumberKey lastExpired, int count, List<FragmentRecord> records) {}

    private Future<Part> partial() {
      NumberKey beforeBoundary = boundary > segs.start() ? segs.last(boundary - 1) : null;
      if (boundary < segs.end()) {
        if (segs.serverMin(boundary) >= cutoff) {
          return Future.succeededFuture(new Part(beforeBoundary, 0, List.of()));
        }
        return segment(s, boundary).map(seg -> part(seg, beforeBoundary));
      }
      return Future.succeededFuture(part(s.tail(), segs.lastNumber()));
    }

    private Part part(StreamIndex ix, NumberKey otherwise) {
      int k = ix.countBefore(cutoff);
      List<FragmentRecord> records = collect == null || k == 0 ? List.of() : ix.records().subList(0, k);
      return new Part(k > 0 ? ix.keyAt(k - 1) : otherwise, k, records);
    }

    /** Fragments of the wholly expired segments, net of what the floor had already removed from the first. */
    private Future<Long> wholeCount() {
      if (boundary == segs.start()) {
        return Future.succeededFuture(0L);
      }
      long sum = 0;
      for (int i = segs.start() + 1; i < boundary; i++) {
        sum += segs.count(i);
      }
      long rest = sum;
      int firstExpired;
      synchronized (st) {
        firstExpired = st.firstExpired;
      }
      if (firstExpired >= 0) {
        return Future.succeededFuture(rest + segs.count(segs.start()) - firstExpired);
      }
      // not known since a restart: count what the first segment holds above the floor
      return segment(s, segs.start()).map(seg -> rest + seg.size());
    }

    private Future<Void> collectWhole(int i) {
      if (collect == null || i >= boundary) {
        return Future.succeededFuture();
      }
      return segment(s, i).compose(seg -> {
        collect.addAll(seg.records());
        return collectWhole(i + 1);
      });
    }

    /** Drops what is at or below the new floor; returns the keys of the dropped segments. */
    private List<String> apply(NumberKey lastExpired, int partCount) {
      List<String> dropped = new ArrayList<>();
      synchronized (st) {
        SegmentList now = st.segments;
        int drop = now.countEndingAtOrBefore(lastExpired);
        for (int i = now.start(); i < now.start() + drop; i++) {
          dropped.add(now.objectKey(st.prefix, i));
        }
        SegmentList kept = now.dropFirst(drop);
        if (kept.isEmpty() || kept.first(kept.start()).compareTo(lastExpired) > 0) {
          st.firstExpired = 0;
        } else if (drop > 0) {
          st.firstExpired = partCount; // the boundary segment is the first now
        } else if (st.firstExpired >= 0) {
          st.firstExpired += partCount;
        }
        st.segments = kept;
        st.floor = lastExpired;
        if (st.tail.size() > 0 && st.tail.keyAt(0).compareTo(lastExpired) <= 0) {
          st.tail = st.tail.copyAfter(lastExpired);
        }
        st.summaryChanges += drop;
      }
      return dropped;
    }
  }
}
