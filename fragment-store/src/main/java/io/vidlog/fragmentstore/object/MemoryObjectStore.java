package io.vidlog.fragmentstore.object;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * A non-durable object store in the heap, for unit tests of modules that need some store and for
 * nothing else: it is not a backend an operator can choose.
 */
public final class MemoryObjectStore implements ObjectStore {
  private record Entry(byte[] bytes, long modified) {}

  private final ConcurrentSkipListMap<String, Entry> objects = new ConcurrentSkipListMap<>();

  @Override
  public Future<Void> put(String key, Buffer data) {
    objects.put(key, new Entry(data.getBytes(), System.currentTimeMillis()));
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> putFile(String key, Path file) {
    try {
      byte[] bytes = Files.readAllBytes(file);
      Files.deleteIfExists(file);
      objects.put(key, new Entry(bytes, System.currentTimeMillis()));
      return Future.succeededFuture();
    } catch (IOException e) {
      return Future.failedFuture(new StoreException(StoreException.Kind.INTERNAL, e.getMessage(), e));
    }
  }

  @Override
  public Future<Buffer> get(String key) {
    Entry e = objects.get(key);
    return e == null ? notFound(key) : Future.succeededFuture(Buffer.buffer(e.bytes));
  }

  @Override
  public Future<Buffer> getRange(String key, long offset, long length) {
    Entry e = objects.get(key);
    if (e == null) {
      return notFound(key);
    }
    int from = (int) Math.min(offset, e.bytes.length);
    int to = (int) Math.min(e.bytes.length, offset + length);
    return Future.succeededFuture(Buffer.buffer(e.bytes).getBuffer(from, to));
  }

  @Override
  public Future<ObjectInfo> stat(String key) {
    Entry e = objects.get(key);
    return e == null ? notFound(key) : Future.succeededFuture(new ObjectInfo(key, e.bytes.length, e.modified));
  }

  @Override
  public Future<List<ObjectInfo>> list(String prefix, String startAfter, int max) {
    List<ObjectInfo> out = new ArrayList<>();
    var tail = startAfter == null || startAfter.compareTo(prefix) < 0
        ? objects.tailMap(prefix, true) : objects.tailMap(startAfter, false);
    for (Map.Entry<String, Entry> en : tail.entrySet()) {
      if (!en.getKey().startsWith(prefix) || out.size() >= max) {
        break;
      }
      out.add(new ObjectInfo(en.getKey(), en.getValue().bytes.length, en.getValue().modified));
    }
    return Future.succeededFuture(out);
  }

  @Override
  public Future<Void> delete(String key) {
    objects.remove(key);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> ping() {
    return Future.succeededFuture();
  }

  @Override
  public String backend() {
    return "memory";
  }

  @Override
  public void close() {}

  private static <T> Future<T> notFound(String key) {
    return Future.failedFuture(new StoreException(StoreException.Kind.NOT_FOUND, "no object " + key));
  }
}
