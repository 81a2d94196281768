package io.vidlog.fragmentstore.index;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vidlog.fragmentstore.object.ObjectStore;
import io.vidlog.fragmentstore.object.StoreException;
import io.vidlog.fragmentstore.testing.ForwardingObjectStore;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/** An object store that counts reads by kind of key and can refuse puts, around a real one. */
final class CountingStore extends ForwardingObjectStore {
  private final ConcurrentHashMap<String, AtomicInteger> gets = new ConcurrentHashMap<>();
  private volatile Predicate<String> failPuts = k -> false;
  private volatile Predicate<String> holdGets = k -> false;
  private final List<Runnable> held = new java.util.ArrayList<>();

  CountingStore(ObjectStore store) {
    super(store);
  }

  /** Reads of keys containing {@code part} ("/index/" segments, "index-summary", "/chunks/"). */
  int gets(String part) {
    return gets.entrySet().stream().filter(e -> e.getKey().contains(part)).mapToInt(e -> e.getValue().get()).sum();
  }

  void resetCounts() {
    gets.clear();
  }

  void failPuts(Predicate<String> keys) {
    failPuts = keys;
  }

  @Override
  public Future<Void> put(String key, Buffer data) {
    if (failPuts.test(key)) {
      return Future.failedFuture(new StoreException(StoreException.Kind.UNAVAILABLE, "refused by the test: " + key));
    }
    return store.put(key, data);
  }

  /** Reads of matching keys wait until {@link #releaseGets()}, then read what the store holds then. */
  void holdGets(Predicate<String> keys) {
    holdGets = keys;
  }

  int heldGets() {
    synchronized (held) {
      return held.size();
    }
  }

  void releaseGets() {
    holdGets = k -> false;
    List<Runnable> now;
    synchronized (held) {
      now = List.copyOf(held);
      held.clear();
    }
    now.forEach(Runnable::run);
  }

  @Override
  public Future<Buffer> get(String key) {
    gets.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    if (holdGets.test(key)) {
      io.vertx.core.Promise<Buffer> later = io.vertx.core.Promise.promise();
      synchronized (held) {
        held.add(() -> store.get(key).onComplete(later));
      }
      return later.future();
    }
    return store.get(key);
  }

  @Override
  public Future<Buffer> getRange(String key, long offset, long length) {
    gets.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    return store.getRange(key, offset, length);
  }
}
