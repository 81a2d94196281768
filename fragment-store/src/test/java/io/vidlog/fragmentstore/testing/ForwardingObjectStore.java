package io.vidlog.fragmentstore.testing;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vidlog.fragmentstore.object.ObjectInfo;
import io.vidlog.fragmentstore.object.ObjectStore;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * An object store that passes every call to a real one, for test doubles that watch or change a
 * few calls (reads counted, puts refused, ranges held) and leave the rest to the store. {@code readRange}
 * is the interface's default (reading through {@link #getRange}) unless a subclass overrides it.
 */
public abstract class ForwardingObjectStore implements ObjectStore {
  protected final ObjectStore store;

  protected ForwardingObjectStore(ObjectStore store) {
    this.store = store;
  }

  /** The interface's own {@code readRange} (through {@link #getRange}), for a subclass that overrides it. */
  protected final <T> Future<T> defaultReadRange(String key, long offset, long length, Function<ByteBuffer, T> reader) {
    return ObjectStore.super.readRange(key, offset, length, reader);
  }

  @Override
  public Future<Void> put(String key, Buffer data) {
    return store.put(key, data);
  }

  @Override
  public Future<Void> putFile(String key, Path file) {
    return store.putFile(key, file);
  }

  @Override
  public Future<Buffer> get(String key) {
    return store.get(key);
  }

  @Override
  public Future<Buffer> getRange(String key, long offset, long length) {
    return store.getRange(key, offset, length);
  }

  @Override
  public Future<ObjectInfo> stat(String key) {
    return store.stat(key);
  }

  @Override
  public Future<List<ObjectInfo>> list(String prefix, String startAfter, int max) {
    return store.list(prefix, startAfter, max);
  }

  @Override
  public Future<Void> delete(String key) {
    return store.delete(key);
  }

  @Override
  public Future<Void> ping() {
    return store.ping();
  }

  @Override
  public String backend() {
    return store.backend();
  }

  @Override
  public void close() {
    store.close();
  }
}
