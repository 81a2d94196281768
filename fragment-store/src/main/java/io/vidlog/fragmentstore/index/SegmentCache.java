package io.vidlog.fragmentstore.index;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * The sealed index segments in memory, for every stream of the server together, bounded in bytes
 * and evicted least-recently-used (docs/architecture.md §Storage, "Time index"). A stream's
 * resident summary says which segments a query needs; the query takes them from here, and a miss
 * reads, opens and decodes the segment from the object store once, however many queries wait for
 * it. A segment in use by a query stays usable after it is evicted; it is only no longer found.
 *
 * <p>Thread-safe: the map is guarded by this object's monitor, held for map operations only (never
 * across I/O or decoding).
 */
public final class SegmentCache {
  /** Memory of a map entry beyond the segment's columns: node, entry, future and key. */
  private static final long ENTRY_OVERHEAD = 160;

  /** One cached (or loading) segment: decoded keeping the entries numbered after {@code after}. */
  private static final class Entry {
    final NumberKey after;
    final Future<StreamIndex> value;
    /** Set once the segment is decoded (a load in flight holds nothing yet and is never evicted). */
    boolean loaded;
    long bytes;

    Entry(NumberKey after, Future<StreamIndex> value) {
      this.after = after;
      this.value = value;
    }
  }

  private final long capacity;
  private final LinkedHashMap<String, Entry> map = new LinkedHashMap<>(256, 0.75f, true);
  private long bytes;
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder loads = new LongAdder();
  private final LongAdder loadFailures = new LongAdder();
  private final LongAdder evictions = new LongAdder();
  private final LongAdder loadNanos = new LongAdder();
  private volatile LongConsumer loadListener = n -> {};

  /** A cache holding at most {@code capacityBytes} of decoded segments (0: none stays after its query). */
  public SegmentCache(long capacityBytes) {
    if (capacityBytes < 0) {
      throw new IllegalArgumentException("index cache capacity must not be negative: " + capacityBytes);
    }
    this.capacity = capacityBytes;
  }

  /**
   * The segment under {@code key} decoded with entries after {@code after}: from memory, or by
   * {@code loader} (which reads it from the store) on a miss.
   */
  Future<StreamIndex> get(String key, NumberKey after, Supplier<Future<StreamIndex>> loader) {
    Promise<StreamIndex> promise;
    Entry mine;
    synchronized (this) {
      Entry e = map.get(key);
      if (e != null && Objects.equals(e.after, after)) {
        hits.increment();
        return e.value;
      }
      misses.increment();
      if (e != null) {
        // decoded under an older lower bound (retention moved the floor into it): replace it
        map.remove(key);
        bytes -= e.bytes;
      }
      promise = Promise.promise();
      mine = new Entry(after, promise.future());
      map.put(key, mine);
    }
    long t0 = System.nanoTime();
    Future<StreamIndex> load;
    try {
      load = loader.get();
    } catch (RuntimeException e) {
      load = Future.failedFuture(e);
    }
    load.onComplete(ar -> {
      long nanos = System.nanoTime() - t0;
      synchronized (this) {
        if (ar.succeeded()) {
          loads.increment();
          loadNanos.add(nanos);
          if (map.get(key) == mine) {
            mine.bytes = cost(key, ar.result());
            mine.loaded = true;
            bytes += mine.bytes;
            evict();
          }
        } else {
          loadFailures.increment();
          if (map.get(key) == mine) {
            map.remove(key);
          }
        }
      }
      if (ar.succeeded()) {
        loadListener.accept(nanos);
      }
      promise.handle(ar);
    });
    return promise.future();
  }

  /** Adds a segment this node has just written (it is the likeliest to be read next). */
  void put(String key, NumberKey after, StreamIndex segment) {
    synchronized (this) {
      Entry old = map.remove(key);
      if (old != null) {
        bytes -= old.bytes;
      }
      Entry e = new Entry(after, Future.succeededFuture(segment));
      e.bytes = cost(key, segment);
      e.loaded = true;
      map.put(key, e);
      bytes += e.bytes;
      evict();
    }
  }

  /** Forgets the segment under {@code key} (deleted by retention). */
  synchronized void invalidate(String key) {
    Entry e = map.remove(key);
    if (e != null) {
      bytes -= e.bytes;
    }
  }

  /** Forgets every segment whose key starts with {@code prefix} (a deleted stream). */
  synchronized void invalidatePrefix(String prefix) {
    Iterator<Map.Entry<String, Entry>> it = map.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, Entry> e = it.next();
      if (e.getKey().startsWith(prefix)) {
        bytes -= e.getValue().bytes;
        it.remove();
      }
    }
  }

  /** Least recently used first, skipping loads in flight (they hold nothing yet). */
  private void evict() {
    Iterator<Entry> it = map.values().iterator();
    while (bytes > capacity && it.hasNext()) {
      Entry e = it.next();
      if (e.loaded) {
        it.remove();
        bytes -= e.bytes;
        evictions.increment();
      }
    }
  }

  private static long cost(String key, StreamIndex segment) {
    return segment.retainedBytes() + ENTRY_OVERHEAD + 2L * key.length();
  }

  /** Called with each successful load's duration in nanoseconds (a metrics timer). */
  public void onLoad(LongConsumer listener) {
    this.loadListener = Objects.requireNonNull(listener);
  }

  public long capacityBytes() {
    return capacity;
  }

  /** Bytes of the segments held now. */
  public synchronized long bytes() {
    return bytes;
  }

  /** Segments held now (loads in flight included). */
  public synchronized int segments() {
    return map.size();
  }

  /** Lookups answered from memory (or joined to a load in flight). */
  public long hits() {
    return hits.sum();
  }

  /** Lookups that had to load the segment. */
  public long misses() {
    return misses.sum();
  }

  /** Segments read, opened and decoded from the store. */
  public long loads() {
    return loads.sum();
  }

  public long loadFailures() {
    return loadFailures.sum();
  }

  /** Total time of successful loads, in nanoseconds. */
  public long loadNanos() {
    return loadNanos.sum();
  }

  public long evictions() {
    return evictions.sum();
  }
}
