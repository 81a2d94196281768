package io.vidlog.fragmentstore.streams;

import io.vidlog.kvs.StreamRef;
import static io.vidlog.fragmentstore.testing.Await.await;
import static io.vidlog.fragmentstore.testing.Await.rejection;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vidlog.fragmentstore.Rejected.Reason;
import io.vidlog.fragmentstore.object.MemoryObjectStore;
import io.vidlog.fragmentstore.object.ObjectInfo;
import io.vidlog.fragmentstore.streams.StreamRegistry.CreateStreamRequest;
import io.vidlog.fragmentstore.testing.TestSealer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ObjectStoreStreamRegistryTest {
  private Vertx vertx;
  private MemoryObjectStore store;
  private TestSealer sealer;
  private ObjectStoreStreamRegistry registry;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    store = new MemoryObjectStore();
    sealer = new TestSealer();
    registry = reopen();
  }

  @AfterEach
  void tearDown() {
    await(vertx.close());
  }

  private ObjectStoreStreamRegistry reopen() {
    return await(ObjectStoreStreamRegistry.open(vertx, store, sealer, RegistryConfig.DEFAULT));
  }

  private static CreateStreamRequest req(String name) {
    return new CreateStreamRequest(name, null, null, null, null, null);
  }

  private StreamInfo create(String name) {
    return await(registry.create(req(name)));
  }

  @Test
  void createdStreamIsActiveWithKvsDefaults() {
    long before = System.currentTimeMillis();
    StreamInfo s = await(registry.create(new CreateStreamRequest("cam-1", "dev.1", "video/h264,audio/aac", null, 24,
        Map.of("site", "lab"))));
    assertEquals(StreamStatus.ACTIVE, s.status());
    assertEquals("cam-1", s.streamName());
    assertEquals("dev.1", s.deviceName());
    assertEquals("video/h264,audio/aac", s.mediaType());
    assertEquals("alias/aws/kinesisvideo", s.kmsKeyId());
    assertEquals(24, s.dataRetentionInHours());
    assertEquals(Map.of("site", "lab"), s.tags());
    assertTrue(s.creationTimeMillis() >= before);
    assertEquals("arn:aws:kinesisvideo:us-east-1:000000000000:stream/cam-1/" + s.creationTimeMillis(), s.streamArn());
    assertTrue(s.streamId().matches("[0-9a-f]{20}"), s.streamId());
    assertTrue(s.version().matches("[a-zA-Z0-9]{1,64}"), s.version());
    assertEquals(0, create("cam-2").dataRetentionInHours());
    assertEquals(s, await(registry.describe(StreamRef.byName("cam-1"))));
    assertEquals(s, await(registry.describe(StreamRef.of(null, s.streamArn()))));
    assertEquals(s, await(registry.byId(s.streamId())));
  }

  @Test
  void configuredRegionAndAccountAppearInArn() {
    var r = await(ObjectStoreStreamRegistry.open(vertx, new MemoryObjectStore(), sealer,
        new RegistryConfig("eu-west-3", "123456789012", "alias/mine")));
    StreamInfo s = await(r.create(req("x")));
    assertTrue(s.streamArn().startsWith("arn:aws:kinesisvideo:eu-west-3:123456789012:stream/x/"), s.streamArn());
    assertEquals("alias/mine", s.kmsKeyId());
  }

  @Test
  void duplicateCreateIsResourceInUse() {
    create("dup");
    assertEquals(Reason.ALREADY_EXISTS, rejection(registry.create(req("dup"))));
  }

  @Test
  void boundaryValuesAreAccepted() {
    Map<String, String> tags50 = new HashMap<>();
    for (int i = 0; i < 50; i++) {
      tags50.put("k" + i, i == 0 ? "" : "v".repeat(256));
    }
    tags50.put("k".repeat(128), "x");
    tags50.remove("k1");
    StreamInfo s = await(registry.create(new CreateStreamRequest("a".repeat(256), "d".repeat(128),
        "video/" + "h".repeat(122), "k".repeat(2048), 87_600, tags50)));
    assertEquals(87_600, s.dataRetentionInHours());
    assertEquals(50, s.tags().size());
    assertEquals("._-aZ09", create("._-aZ09").streamName());
  }

  @Test
  void unknownStreamIsResourceNotFound() {
    StreamInfo s = create("known");
    assertEquals(Reason.NOT_FOUND, rejection(registry.describe(StreamRef.byName("unknown"))));
    String staleArn = s.streamArn().substring(0, s.streamArn().lastIndexOf('/') + 1) + "1";
    assertEquals(Reason.NOT_FOUND, rejection(registry.describe(StreamRef.of(null, staleArn))));
    assertEquals(Reason.NOT_FOUND, rejection(registry.update(StreamRef.byName("unknown"), "v1", "d", null)));
    assertEquals(Reason.NOT_FOUND, rejection(registry.delete(StreamRef.byName("unknown"), null)));
    assertEquals(Reason.NOT_FOUND, rejection(registry.tag(StreamRef.byName("unknown"), Map.of("a", "b"))));
    assertNull(await(registry.byId("0123456789abcdef0123")));
  }

  @Test
  void everyUpdateChangesVersionAndStaleVersionsAreRejected() {
    StreamInfo s = create("v");
    StreamInfo u = await(registry.update(StreamRef.byName("v"), s.version(), "dev", "video/h265"));
    assertNotEquals(s.version(), u.version());
    assertEquals("dev", u.deviceName());
    assertEquals("video/h265", u.mediaType());
    assertEquals(u, await(registry.describe(StreamRef.byName("v"))));
    assertEquals(Reason.VERSION_MISMATCH, rejection(registry.update(StreamRef.byName("v"), s.version(), "x", null)));
    assertThrows(IllegalArgumentException.class, () -> registry.update(StreamRef.byName("v"), null, "x", null));
    StreamInfo r = await(registry.updateRetention(StreamRef.of(null, s.streamArn()), u.version(), true, 48));
    assertEquals(48, r.dataRetentionInHours());
    assertNotEquals(u.version(), r.version());
    assertEquals("dev", r.deviceName());
    assertEquals(Reason.VERSION_MISMATCH, rejection(registry.updateRetention(StreamRef.byName("v"), u.version(), true, 1)));
    StreamInfo d = await(registry.updateRetention(StreamRef.byName("v"), r.version(), false, 47));
    assertEquals(1, d.dataRetentionInHours());
    assertEquals(Reason.OUT_OF_RANGE, rejection(registry.updateRetention(StreamRef.byName("v"), d.version(), false, 2)));
    assertEquals(Reason.OUT_OF_RANGE, rejection(registry.updateRetention(StreamRef.byName("v"), d.version(), true, 87_600)));
    assertThrows(IllegalArgumentException.class, () -> registry.updateRetention(StreamRef.byName("v"), d.version(), true, 0));
    assertEquals(Reason.VERSION_MISMATCH, rejection(registry.delete(StreamRef.byName("v"), s.version())));
    assertEquals(d, await(registry.describe(StreamRef.byName("v"))));
  }

  @Test
  void concurrentUpdatesWithTheSameVersionLetExactlyOneWin() {
    AsyncStore slow = new AsyncStore(vertx, store);
    var r = await(ObjectStoreStreamRegistry.open(vertx, slow, sealer, RegistryConfig.DEFAULT));
    StreamInfo s = await(r.create(req("race")));
    List<Future<StreamInfo>> all = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      all.add(r.update(StreamRef.byName("race"), s.version(), "d" + i, null));
    }
    int ok = 0;
    for (Future<StreamInfo> f : all) {
      try {
        await(f);
        ok++;
      } catch (io.vidlog.fragmentstore.Rejected e) {
        assertEquals(Reason.VERSION_MISMATCH, e.reason());
      }
    }
    assertEquals(1, ok);
  }

  @Test
  void tagsFollowKvsLimits() {
    StreamInfo s = create("t");
    Map<String, String> tags = new HashMap<>();
    for (int i = 0; i < 49; i++) {
      tags.put("k" + i, "v" + i);
    }
    await(registry.tag(StreamRef.byName("t"), tags));
    await(registry.tag(StreamRef.byName("t"), Map.of("k0", "new", "k49", "")));
    StreamInfo t = await(registry.describe(StreamRef.byName("t")));
    assertEquals(50, t.tags().size());
    assertEquals("new", t.tags().get("k0"));
    assertEquals(s.version(), t.version(), "tags are not part of the stream's versioned configuration");
    assertEquals(Reason.TOO_MANY_TAGS, rejection(registry.tag(StreamRef.byName("t"), Map.of("k50", "x"))));
    await(registry.untag(StreamRef.byName("t"), List.of("k0", "k1", "absent")));
    assertEquals(48, await(registry.describe(StreamRef.byName("t"))).tags().size());
    await(registry.tag(StreamRef.byName("t"), Map.of("k50", "x")));
  }

  @Test
  void listStreamsPagesInNameOrderWithOpaqueTokensAndPrefix() {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      names.add(String.format("cam-%02d", i));
      create(names.get(i));
    }
    create("door-1");
    List<String> seen = new ArrayList<>();
    String token = null;
    int pages = 0;
    do {
      var page = await(registry.list(10, token, "cam-"));
      page.streams().forEach(s -> seen.add(s.streamName()));
      token = page.nextToken();
      if (token != null) {
        assertTrue(token.matches("[a-zA-Z0-9+/]+={0,2}"), token);
        assertFalse(token.contains("cam"), "token is opaque");
      }
      pages++;
      if (pages == 1) {
        create("cam-000"); // created between pages, sorts before the token: not repeated, not skipping others
      }
    } while (token != null);
    assertEquals(names, seen);
    assertEquals(3, pages);
    assertEquals(27, await(registry.list(10_000, null, null)).streams().size());
    assertEquals(List.of("door-1"), await(registry.list(5, null, "d")).streams().stream().map(StreamInfo::streamName).toList());
    assertEquals(Reason.BAD_TOKEN, rejection(registry.list(10, "bm90IG91cnM=", null)));
    assertEquals(Reason.BAD_TOKEN, rejection(registry.list(10, "%%%", null)));
  }

  @Test
  void recordsAreSealedAndSurviveReopen() {
    StreamInfo a = await(registry.create(new CreateStreamRequest("persist-me", "dev", "video/h264", "alias/k", 12,
        Map.of("a", "1"))));
    StreamInfo b = create("other");
    StreamInfo a2 = await(registry.update(StreamRef.byName("persist-me"), a.version(), null, "video/h265"));
    await(registry.tag(StreamRef.byName("other"), Map.of("z", "9")));
    StreamInfo b2 = await(registry.describe(StreamRef.byName("other")));

    List<ObjectInfo> objects = await(store.list("", null, 100));
    assertEquals(2, objects.size());
    for (ObjectInfo o : objects) {
      assertTrue(o.key().startsWith("registry/streams/"), o.key());
      String raw = new String(await(store.get(o.key())).getBytes(), StandardCharsets.ISO_8859_1);
      assertFalse(raw.contains("persist-me") || raw.contains("other") || raw.contains("video/"), "sealed: " + raw);
    }
    ObjectStoreStreamRegistry again = reopen();
    assertEquals(a2, await(again.describe(StreamRef.byName("persist-me"))));
    assertEquals(b2, await(again.describe(StreamRef.of(null, b.streamArn()))));
    assertEquals(Reason.ALREADY_EXISTS, rejection(again.create(req("other"))));

    // A record sealed under another key does not open: it is skipped, not trusted.
    byte[] otherKey = new byte[32];
    otherKey[0] = 1;
    var wrongKey = await(ObjectStoreStreamRegistry.open(vertx, store, new TestSealer(otherKey), RegistryConfig.DEFAULT));
    assertTrue(await(wrongKey.list(10_000, null, null)).streams().isEmpty());
  }

  @Test
  void deleteIsImmediateFreesDataAndRecreateGetsNewId() {
    StreamInfo s = create("gone");
    await(store.put("streams/" + s.streamId() + "/chunks/1", Buffer.buffer("x")));
    await(store.put("streams/" + s.streamId() + "/index/1-2", Buffer.buffer("y")));
    AtomicReference<StreamInfo> notified = new AtomicReference<>();
    registry.onDeleted(notified::set);
    await(registry.delete(StreamRef.of(null, s.streamArn()), s.version()));
    assertEquals(s.streamId(), notified.get().streamId());
    assertEquals(Reason.NOT_FOUND, rejection(registry.describe(StreamRef.byName("gone"))));
    assertNull(await(registry.byId(s.streamId())));
    assertTrue(await(registry.list(10_000, null, null)).streams().isEmpty());
    assertTrue(await(store.list("", null, 10)).isEmpty(), "stream objects and its record are freed");
    assertEquals(0, registry.streamsBeingFreed());

    StreamInfo again = create("gone");
    assertNotEquals(s.streamId(), again.streamId());
    assertNotEquals(s.streamArn(), again.streamArn());
    assertEquals(Reason.NOT_FOUND, rejection(registry.describe(StreamRef.of(null, s.streamArn()))));
  }

  @Test
  void deletionIsDurableAndFreeingResumesAfterRestart() {
    StreamInfo s = create("half");
    await(store.put("streams/" + s.streamId() + "/chunks/1", Buffer.buffer("x")));
    AsyncStore failingDeletes = new AsyncStore(vertx, store);
    failingDeletes.failDeletes = true;
    var r = await(ObjectStoreStreamRegistry.open(vertx, failingDeletes, sealer, RegistryConfig.DEFAULT));
    await(r.delete(StreamRef.byName("half"), null));
    assertEquals(Reason.NOT_FOUND, rejection(r.describe(StreamRef.byName("half"))));
    assertEquals(1, r.streamsBeingFreed());
    assertEquals(2, await(store.list("", null, 10)).size(), "chunk and deleted-record left behind");

    ObjectStoreStreamRegistry restarted = reopen();
    assertEquals(Reason.NOT_FOUND, rejection(restarted.describe(StreamRef.byName("half"))));
    assertTrue(await(store.list("", null, 10)).isEmpty(), "freeing resumed at open");
  }

  /** Completes puts on a later event-loop turn (like a real backend) and can fail deletes. */
  static final class AsyncStore implements io.vidlog.fragmentstore.object.ObjectStore {
    private final Vertx vertx;
    private final MemoryObjectStore delegate;
    volatile boolean failDeletes;

    AsyncStore(Vertx vertx, MemoryObjectStore delegate) {
      this.vertx = vertx;
      this.delegate = delegate;
    }

    private <T> Future<T> later(java.util.function.Supplier<Future<T>> op) {
      io.vertx.core.Promise<T> p = io.vertx.core.Promise.promise();
      vertx.setTimer(1, t -> op.get().onComplete(p));
      return p.future();
    }

    @Override
    public Future<Void> put(String key, Buffer data) {
      return later(() -> delegate.put(key, data));
    }

    @Override
    public Future<Void> putFile(String key, java.nio.file.Path file) {
      return later(() -> delegate.putFile(key, file));
    }

    @Override
    public Future<Buffer> get(String key) {
      return later(() -> delegate.get(key));
    }

    @Override
    public Future<Buffer> getRange(String key, long offset, long length) {
      return delegate.getRange(key, offset, length);
    }

    @Override
    public Future<ObjectInfo> stat(String key) {
      return delegate.stat(key);
    }

    @Override
    public Future<List<ObjectInfo>> list(String prefix, String startAfter, int max) {
      return later(() -> delegate.list(prefix, startAfter, max));
    }

    @Override
    public Future<Void> delete(String key) {
      return failDeletes
          ? Future.failedFuture(new io.vidlog.fragmentstore.object.StoreException(
              io.vidlog.fragmentstore.object.StoreException.Kind.UNAVAILABLE, "down"))
          : later(() -> delegate.delete(key));
    }

    @Override
    public Future<Void> ping() {
      return delegate.ping();
    }

    @Override
    public String backend() {
      return "async-memory";
    }

    @Override
    public void close() {}
  }

  /**
   * Two nodes over one store (a cluster): what one changes, the other sees after {@code reload}
   * of the id that {@code onChanged} named; a deletion makes the stream unreachable there and tells
   * its {@code onDeleted} listeners.
   */
  @Test
  void anotherNodeSeesChangesAfterReloadingTheChangedStream() {
    ObjectStoreStreamRegistry other = reopen();
    List<String> changed = new java.util.concurrent.CopyOnWriteArrayList<>();
    registry.onChanged(changed::add);
    List<StreamInfo> deletedThere = new java.util.concurrent.CopyOnWriteArrayList<>();
    other.onDeleted(deletedThere::add);
    StreamInfo s = create("door");
    assertEquals(List.of(s.streamId()), changed);
    assertEquals(Reason.NOT_FOUND, rejection(other.describe(StreamRef.byName("door"))),
        "not known there before the reload");
    await(other.reload(s.streamId()));
    assertEquals(s, await(other.describe(StreamRef.byName("door"))));
    StreamInfo longer = await(registry.updateRetention(StreamRef.byName("door"), s.version(), true, 5));
    await(other.reload(s.streamId()));
    assertEquals(longer, await(other.describe(StreamRef.byName("door"))));
    await(registry.delete(StreamRef.byName("door"), null));
    assertEquals(3, changed.size(), changed.toString());
    await(other.reload(s.streamId()));
    assertEquals(Reason.NOT_FOUND, rejection(other.describe(StreamRef.byName("door"))));
    assertEquals(List.of(s.streamId()), deletedThere.stream().map(StreamInfo::streamId).toList());
  }
}
