package io.vidlog.fragmentstore.index;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.FragmentRecord;
import io.vidlog.fragmentstore.Rejected;
import io.vidlog.fragmentstore.Sealers;
import io.vidlog.fragmentstore.chunk.ChunkHeader;
import io.vidlog.fragmentstore.chunk.FragmentArchive;
import io.vidlog.fragmentstore.crypto.ObjectSealer;
import io.vidlog.fragmentstore.crypto.SealContext;
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
 * The durable {@link TimeIndex}: a {@link StreamIndex} per stream in memory, loaded lazily on first
 * use (a bounded number of streams at a time) and kept. On the object store it is
 * <ul>
 *   <li>immutable sealed segment objects {@code streams/<streamId>/index/<first>-<last>}, written
 *       every {@link IndexConfig#segmentSize()} appended fragments (and on {@link #flushAll()});</li>
 *   <li>the newest tail, not yet in a segment, which is rebuilt from the chunks themselves
 *       ({@link FragmentArchive#list} after the last segment, then {@link FragmentArchive#header});</li>
 *   <li>a sealed floor object {@code streams/<streamId>/index-floor} naming the newest fragment that
 *       retention removed, written before anything is removed, so expired entries of a partly
 *       expired segment or of chunks not yet deleted never come back.</li>
 * </ul>
 * So a node with an empty disk rebuilds any stream's index from the object store alone, equal to
 * the one it had (ingest appends {@link FragmentRecords#fromHeader} records).
 */
public final class ObjectStoreTimeIndex implements TimeIndex {
  public static final String SEGMENT_KIND = "index";
  public static final String FLOOR_KIND = "index-floor";
  private static final Logger LOG = LoggerFactory.getLogger(ObjectStoreTimeIndex.class);

  /** One persisted segment. */
  record Segment(String key, NumberKey first, NumberKey last) {}

  /** A loaded stream: its index and what of it is durable in segments. Guarded by itself. */
  static final class Loaded {
    final StreamInfo stream;
    final StreamIndex index;
    final List<Segment> segments = new ArrayList<>();
    NumberKey flushedThrough;
    NumberKey floor;
    boolean flushing;
    /** The segment write in flight (while flushing). */
    Future<Void> inFlight = Future.succeededFuture();
    /** Resolved on first need, so a stream that never stored anything gets no data key. */
    Future<ObjectSealer> sealer;

    Loaded(StreamInfo stream) {
      this.stream = stream;
      this.index = new StreamIndex(stream.streamId());
    }
  }

  private final ObjectStore store;
  private final Sealers sealers;
  /** Index objects sealed under the stream's scope (true) or under {@code system} (one shared sealer). */
  private final boolean perStreamScope;
  private final FragmentArchive archive;
  private final IndexConfig config;
  private final AsyncLimiter loads;
  private final ConcurrentHashMap<String, Future<Loaded>> cache = new ConcurrentHashMap<>();

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
  }

  public static String segmentPrefix(String streamId) {
    return "streams/" + streamId + "/index/";
  }

  public static String floorKey(String streamId) {
    return "streams/" + streamId + "/index-floor";
  }

  // ------------------------------------------------------------------------------ TimeIndex

  @Override
  public Future<Void> append(StreamInfo stream, FragmentRecord record) {
    return CallerContext.deliver(loaded(stream).compose(l -> {
      l.index.append(record);
      maybeFlush(l, false);
      return Future.<Void>succeededFuture();
    }));
  }

  @Override
  public Future<FragmentRecord> get(StreamInfo stream, FragmentNumber number) {
    return query(stream, ix -> ix.get(number));
  }

  @Override
  public Future<FragmentRecord> next(StreamInfo stream, FragmentNumber after) {
    return query(stream, ix -> ix.next(after));
  }

  @Override
  public Future<FragmentRecord> earliest(StreamInfo stream) {
    return query(stream, StreamIndex::earliest);
  }

  @Override
  public Future<FragmentRecord> latest(StreamInfo stream) {
    return query(stream, StreamIndex::latest);
  }

  @Override
  public Future<FragmentRecord> locate(StreamInfo stream, TimestampKind kind, long millis) {
    return query(stream, ix -> ix.locate(kind, millis));
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
    return query(stream, ix -> ix.range(kind, fromMillis, toMillis, max, token));
  }

  @Override
  public Future<List<FragmentRecord>> expireBefore(StreamInfo stream, long cutoffMillis) {
    return CallerContext.deliver(loaded(stream).compose(l -> {
      FragmentNumber lastExpired;
      synchronized (l.index) {
        int k = l.index.countBefore(cutoffMillis);
        if (k == 0) {
          return Future.succeededFuture(List.<FragmentRecord>of());
        }
        lastExpired = l.index.numberAt(k - 1);
      }
      NumberKey floor = NumberKey.of(lastExpired);
      // The floor is durable before anything disappears from memory or the store.
      return writeFloor(l, lastExpired).compose(v -> {
        List<FragmentRecord> gone = l.index.expireThrough(lastExpired);
        List<Segment> dead = new ArrayList<>();
        synchronized (l) {
          l.floor = floor;
          l.segments.removeIf(s -> {
            boolean expired = s.last().compareTo(floor) <= 0;
            if (expired) {
              dead.add(s);
            }
            return expired;
          });
        }
        List<Future<Void>> deletes = new ArrayList<>();
        dead.forEach(s -> deletes.add(store.delete(s.key())));
        return Future.all(deletes).map(x -> gone);
      });
    }));
  }

  // ------------------------------------------------------------------------------ lifecycle

  /** The newest fragment number retention removed from a stream's index (null: none). */
  public Future<FragmentNumber> floor(StreamInfo stream) {
    return CallerContext.deliver(loaded(stream).map(l -> {
      synchronized (l) {
        return l.floor == null ? null : l.floor.render();
      }
    }));
  }

  /** Drops a stream's index from memory (deleted stream); its objects are freed with the stream's. */
  public void forget(String streamId) {
    cache.remove(streamId);
  }

  /** Writes every loaded stream's unflushed entries as a segment (periodic timer, shutdown). */
  public Future<Void> flushAll() {
    List<Future<Void>> all = new ArrayList<>();
    for (Future<Loaded> f : cache.values()) {
      if (f.succeeded()) {
        all.add(flushFully(f.result()));
      }
    }
    return Future.all(all).mapEmpty();
  }

  /** The loaded in-memory index of a stream (bench, tests). */
  public Future<StreamIndex> index(StreamInfo stream) {
    return loaded(stream).map(l -> l.index);
  }

  /** Streams whose index is in memory. */
  public int loadedStreams() {
    return cache.size();
  }

  // ------------------------------------------------------------------------------ internals

  private <T> Future<T> query(StreamInfo stream, Function<StreamIndex, T> q) {
    return CallerContext.deliver(loaded(stream).map(l -> q.apply(l.index)));
  }

  private Future<Loaded> loaded(StreamInfo stream) {
    Future<Loaded> f = cache.get(stream.streamId());
    if (f != null && !f.failed()) {
      return f;
    }
    Future<Loaded> fresh = cache.compute(stream.streamId(),
        (id, old) -> old != null && !old.failed() ? old : loads.run(() -> load(stream)));
    fresh.onFailure(e -> {
      cache.remove(stream.streamId(), fresh);
      LOG.error("loading the index of stream {} failed: {}", stream.streamId(), e.toString());
    });
    return fresh;
  }

  private Future<Loaded> load(StreamInfo stream) {
    Loaded l = new Loaded(stream);
    long t0 = System.nanoTime();
    l.index.beginBulk();
    return readFloor(l)
        .compose(floor -> {
          l.floor = floor == null ? null : NumberKey.of(floor);
          return listSegments(stream, null, new ArrayList<>());
        })
        .compose(segments -> {
          segments.sort(Comparator.comparing(Segment::first));
          return segments.isEmpty() ? Future.<Void>succeededFuture()
              : sealer(l).compose(sealer -> readSegments(l, sealer, segments, 0));
        })
        .compose(v -> {
          NumberKey after = l.flushedThrough;
          if (l.floor != null && (after == null || l.floor.compareTo(after) > 0)) {
            after = l.floor;
          }
          return readTail(l, after == null ? null : after.render());
        })
        .map(v -> {
          l.index.endBulk();
          LOG.info("index of stream {} loaded: {} fragments from {} segments in {} ms", stream.streamId(),
              l.index.size(), l.segments.size(), (System.nanoTime() - t0) / 1_000_000);
          return l;
        });
  }

  private Future<ObjectSealer> sealer(Loaded l) {
    synchronized (l) {
      if (l.sealer == null || l.sealer.failed()) {
        l.sealer = sealers.forScope(perStreamScope ? l.stream.streamId() : SealContext.SYSTEM);
      }
      return l.sealer;
    }
  }

  private Future<FragmentNumber> readFloor(Loaded l) {
    String key = floorKey(l.stream.streamId());
    return store.get(key)
        .compose(b -> sealer(l).map(sealer ->
            new FragmentNumber(new String(sealer.open(floorContext(l.stream), b.getBytes()), StandardCharsets.UTF_8))))
        .recover(e -> StoreException.isNotFound(e) ? Future.succeededFuture(null) : Future.failedFuture(e));
  }

  private Future<Void> writeFloor(Loaded l, FragmentNumber lastExpired) {
    return sealer(l).compose(sealer -> store.put(floorKey(l.stream.streamId()),
        Buffer.buffer(sealer.seal(floorContext(l.stream), lastExpired.value().getBytes(StandardCharsets.UTF_8)))));
  }

  private SealContext floorContext(StreamInfo stream) {
    return sealContext(stream, FLOOR_KIND, "floor");
  }

  /** The AAD of an index object: always names the stream, as the scope or inside the name. */
  private SealContext sealContext(StreamInfo stream, String kind, String name) {
    return perStreamScope ? new SealContext(stream.streamId(), kind, name)
        : new SealContext(SealContext.SYSTEM, kind, stream.streamId() + "/" + name);
  }

  private Future<List<Segment>> listSegments(StreamInfo stream, String after, List<Segment> acc) {
    String prefix = segmentPrefix(stream.streamId());
    return store.list(prefix, after, 1_000).compose(page -> {
      for (ObjectInfo o : page) {
        String name = o.key().substring(prefix.length());
        int dash = name.indexOf('-');
        if (dash <= 0 || !FragmentNumber.isValid(name.substring(0, dash))
            || !FragmentNumber.isValid(name.substring(dash + 1))) {
          LOG.warn("ignoring unexpected object {} in the index of stream {}", o.key(), stream.streamId());
          continue;
        }
        acc.add(new Segment(o.key(), NumberKey.of(new FragmentNumber(name.substring(0, dash))),
            NumberKey.of(new FragmentNumber(name.substring(dash + 1)))));
      }
      return page.size() < 1_000 ? Future.succeededFuture(acc)
          : listSegments(stream, page.get(page.size() - 1).key(), acc);
    });
  }

  /** Reads segments in groups of readParallelism, appending each group in order. */
  private Future<Void> readSegments(Loaded l, ObjectSealer sealer, List<Segment> segments, int from) {
    if (from >= segments.size()) {
      return Future.succeededFuture();
    }
    int to = Math.min(segments.size(), from + config.readParallelism());
    List<Future<Buffer>> reads = new ArrayList<>();
    for (int i = from; i < to; i++) {
      reads.add(store.get(segments.get(i).key()));
    }
    return Future.all(reads).compose(all -> {
      for (int i = from; i < to; i++) {
        Segment s = segments.get(i);
        if (l.floor != null && s.last().compareTo(l.floor) <= 0) {
          continue; // wholly expired; its deletion did not finish
        }
        byte[] body = sealer.open(segmentContext(l.stream, s), reads.get(i - from).result().getBytes());
        l.index.appendSegment(body, l.floor);
        l.segments.add(s);
        l.flushedThrough = s.last();
      }
      return readSegments(l, sealer, segments, to);
    });
  }

  /** Rebuilds the entries after the last segment from chunk headers. */
  private Future<Void> readTail(Loaded l, FragmentNumber after) {
    return archive.list(l.stream, after, 1_000).compose(numbers -> {
      if (numbers.isEmpty()) {
        return Future.succeededFuture();
      }
      return readHeaders(l, numbers, 0).compose(v -> numbers.size() < 1_000 ? Future.succeededFuture()
          : readTail(l, numbers.get(numbers.size() - 1)));
    });
  }

  private Future<Void> readHeaders(Loaded l, List<FragmentNumber> numbers, int from) {
    if (from >= numbers.size()) {
      return Future.succeededFuture();
    }
    int to = Math.min(numbers.size(), from + config.readParallelism());
    List<Future<ChunkHeader>> reads = new ArrayList<>();
    for (int i = from; i < to; i++) {
      reads.add(archive.header(l.stream, numbers.get(i)));
    }
    return Future.all(reads).compose(all -> {
      for (Future<ChunkHeader> h : reads) {
        FragmentRecord r = FragmentRecords.fromHeader(h.result());
        FragmentRecord latest = l.index.latest();
        if (latest == null || r.number().compareTo(latest.number()) > 0) {
          l.index.append(r);
        }
      }
      return readHeaders(l, numbers, to);
    });
  }

  private SealContext segmentContext(StreamInfo stream, Segment s) {
    return sealContext(stream, SEGMENT_KIND, s.first().render().value() + "-" + s.last().render().value());
  }

  private Future<Void> flushFully(Loaded l) {
    return maybeFlush(l, true);
  }

  /**
   * Writes the next segment when enough entries are unflushed ({@code force}: any). One write per
   * stream at a time; when it completes the next one is considered.
   */
  private Future<Void> maybeFlush(Loaded l, boolean force) {
    Promise<Void> done = Promise.promise();
    byte[] body;
    Segment seg;
    synchronized (l) {
      if (l.flushing) {
        // The writer in flight goes on by itself; a forced flush waits for it and then writes the rest.
        return force ? l.inFlight.transform(ar -> maybeFlush(l, true)) : Future.succeededFuture();
      }
      synchronized (l.index) {
        int from = l.index.countThrough(l.flushedThrough);
        int unflushed = l.index.size() - from;
        if (unflushed == 0 || (unflushed < config.segmentSize() && !force)) {
          return Future.succeededFuture();
        }
        int to = from + Math.min(unflushed, config.segmentSize());
        FragmentNumber first = l.index.numberAt(from);
        FragmentNumber last = l.index.numberAt(to - 1);
        seg = new Segment(segmentPrefix(l.stream.streamId()) + first.value() + "-" + last.value(), NumberKey.of(first),
            NumberKey.of(last));
        body = l.index.encodeSegment(from, to);
      }
      l.flushing = true;
      l.inFlight = done.future();
    }
    Future<Void> put = sealer(l).compose(
        sealer -> store.put(seg.key(), Buffer.buffer(sealer.seal(segmentContext(l.stream, seg), body))));
    return put.transform(ar -> {
      synchronized (l) {
        l.flushing = false;
        if (ar.succeeded()) {
          l.segments.add(seg);
          l.flushedThrough = seg.last();
        }
      }
      done.complete();
      if (ar.failed()) {
        // The entries stay in memory and in their chunks; the next append or flush tries again.
        LOG.warn("writing index segment {} failed: {}", seg.key(), ar.cause().toString());
        return Future.failedFuture(ar.cause());
      }
      return maybeFlush(l, force);
    });
  }
}
