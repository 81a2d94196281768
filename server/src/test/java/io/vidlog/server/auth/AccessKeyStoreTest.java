package io.vidlog.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vidlog.fragmentstore.crypto.SealContext;
import io.vidlog.fragmentstore.object.MemoryObjectStore;
import io.vidlog.server.support.LogCapture;
import io.vidlog.fragmentstore.testing.TestSealer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Access keys as the object store holds them, attacked by someone who can write the store but has
 * no master key: records edited, moved between ids, put back after a revocation, or rolled back
 * with the whole key set.
 */
class AccessKeyStoreTest {
  final MemoryObjectStore store = new MemoryObjectStore();
  final TestSealer sealer = new TestSealer();
  final AtomicLong clock = new AtomicLong(1_000_000);
  final AccessKeyStore keys = new AccessKeyStore(store, sealer, GenerationFloor.inMemory(), clock::get);

  private Buffer stored(String key) {
    return store.get(key).result();
  }

  /** Past every cache, so the next lookup reads the store again. */
  private void later() {
    clock.addAndGet(AccessKeyStore.POSITIVE_TTL_MS + 1);
  }

  private List<String> refusals(LogCapture log) {
    return log.lines().stream().filter(l -> l.contains("AccessKeyStore")).toList();
  }

  @Test
  void createFindListRevoke() {
    AccessKeyStore.Resolved k = keys.create("cam uploader", new Policy(false, Set.of("PutMedia"), List.of("cam-*")))
        .result();
    assertTrue(k.key().id().matches("AKIA[A-Z2-7]{16}"), k.key().id());
    assertEquals(40, k.secret().length());
    AccessKeyStore.Resolved found = keys.find(k.key().id()).result();
    assertEquals(k.key(), found.key());
    assertEquals(k.secret(), found.secret());
    assertEquals(List.of(new AccessKeyStore.Listed(k.key().id(), k.key(), AccessKeyStore.Status.VALID)),
        keys.list().result());
    assertTrue(keys.revoke(k.key().id()).result());
    assertNull(keys.find(k.key().id()).result());
    assertFalse(keys.revoke(k.key().id()).result());
    assertTrue(keys.list().result().isEmpty());
  }

  @Test
  void theWholeRecordIsSealedAtRest() {
    AccessKeyStore.Resolved k = keys.create("door camera", new Policy(false, Set.of("PutMedia"), List.of("door-*")))
        .result();
    String atRest = stored(AccessKeyStore.PREFIX + k.key().id()).toString(StandardCharsets.ISO_8859_1);
    for (String plain : List.of(k.secret(), "door camera", "door-*", "PutMedia", "admin")) {
      assertFalse(atRest.contains(plain), plain + " readable at rest");
    }
  }

  @Test
  void aRecordEditedIntoAnAdminKeyIsRefused() {
    AccessKeyStore.Resolved k = keys.create("cam", new Policy(false, Set.of("PutMedia"), List.of("cam-*"))).result();
    String id = k.key().id();
    Buffer original = stored(AccessKeyStore.PREFIX + id).copy();
    // what a store writer without the master key can produce: a plain record claiming admin
    // (the earlier format), around the sealed secret of that version, or any bytes at all
    JsonObject forged = new JsonObject().put("id", id).put("name", "cam").put("admin", true)
        .put("actions", new JsonArray().add("*")).put("streams", new JsonArray().add("*")).put("created", 1L)
        .put("secret", Base64.getEncoder().encodeToString(sealer.seal(new SealContext(SealContext.SYSTEM,
            "access-key", id), k.secret().getBytes(StandardCharsets.UTF_8))));
    try (LogCapture log = new LogCapture()) {
      store.put(AccessKeyStore.PREFIX + id, forged.toBuffer());
      later();
      assertNull(keys.find(id).result(), "forged admin record accepted");
      // the sealed record with one byte changed
      store.put(AccessKeyStore.PREFIX + id, original.copy().setByte(20, (byte) (original.getByte(20) ^ 1)));
      later();
      assertNull(keys.find(id).result());
      List<String> lines = refusals(log);
      assertEquals(1, lines.size(), "logged, rate-limited: " + lines);
      assertTrue(lines.get(0).startsWith("WARN ") && lines.get(0).contains(id)
          && lines.get(0).contains("unsealed format of an earlier version"), lines.get(0));
      assertFalse(lines.get(0).contains(k.secret()));
    }
    assertEquals(AccessKeyStore.Status.DOES_NOT_VERIFY, keys.list().result().get(0).status());
  }

  @Test
  void aRecordMovedToAnotherIdIsRefused() {
    AccessKeyStore.Resolved admin = keys.create("admin", Policy.adminPolicy()).result();
    AccessKeyStore.Resolved cam = keys.create("cam", new Policy(false, Set.of("PutMedia"), List.of("cam-*"))).result();
    // the admin record copied over the camera key's: the camera's id would then carry admin rights
    store.put(AccessKeyStore.PREFIX + cam.key().id(), stored(AccessKeyStore.PREFIX + admin.key().id()));
    later();
    assertNull(keys.find(cam.key().id()).result());
    assertNotNull(keys.find(admin.key().id()).result());
  }

  @Test
  void aRevokedKeyPutBackFromABackupStaysRevoked() {
    AccessKeyStore.Resolved k = keys.create("x", Policy.adminPolicy()).result();
    Buffer backup = stored(AccessKeyStore.PREFIX + k.key().id()).copy();
    assertTrue(keys.revoke(k.key().id()).result());
    store.put(AccessKeyStore.PREFIX + k.key().id(), backup);
    later();
    assertNull(keys.find(k.key().id()).result(), "a restored record revived a revoked key");
    assertEquals(AccessKeyStore.Status.NOT_IN_KEY_SET, keys.list().result().get(0).status());
    assertTrue(keys.revoke(k.key().id()).result(), "revoke removes the stray record");
    assertTrue(keys.list().result().isEmpty());
  }

  @Test
  void aRolledBackKeySetIsRefusedByANodeThatSawANewerOne() {
    AccessKeyStore.Resolved k = keys.create("x", Policy.adminPolicy()).result();
    Buffer record = stored(AccessKeyStore.PREFIX + k.key().id()).copy();
    Buffer oldSet = stored(KeySet.OBJECT).copy();
    assertTrue(keys.revoke(k.key().id()).result());
    // the whole older state put back: the record and the key set that listed it
    store.put(AccessKeyStore.PREFIX + k.key().id(), record);
    store.put(KeySet.OBJECT, oldSet);
    later();
    try (LogCapture log = new LogCapture()) {
      assertNull(keys.find(k.key().id()).result(), "a rolled-back key set revived a revoked key");
      assertTrue(refusals(log).stream().anyMatch(l -> l.startsWith("ERROR ") && l.contains("rolled back")),
          refusals(log)::toString);
    }
    // a node that never saw the newer generation cannot tell: the limit of what the store alone proves
    AccessKeyStore fresh = new AccessKeyStore(store, sealer, GenerationFloor.inMemory(), clock::get);
    assertNotNull(fresh.find(k.key().id()).result());
  }

  @Test
  void anotherNodesRevocationIsSeenAfterTheCacheTtl() {
    AccessKeyStore.Resolved k = keys.create("x", Policy.adminPolicy()).result();
    AccessKeyStore other = new AccessKeyStore(store, sealer, GenerationFloor.inMemory(), clock::get);
    assertNotNull(keys.find(k.key().id()).result());
    assertTrue(other.revoke(k.key().id()).result());
    assertNotNull(keys.find(k.key().id()).result(), "cached");
    later();
    assertNull(keys.find(k.key().id()).result());
  }

  @Test
  void aKeyCreatedOnAnotherNodeIsFoundWithinASecond() {
    keys.create("first", Policy.adminPolicy()).result();
    AccessKeyStore other = new AccessKeyStore(store, sealer, GenerationFloor.inMemory(), clock::get);
    AccessKeyStore.Resolved k = other.create("second", Policy.adminPolicy()).result();
    clock.addAndGet(AccessKeyStore.MISS_REFRESH_MS);
    assertNotNull(keys.find(k.key().id()).result());
  }

  @Test
  void bogusIdsReadNoRecord() {
    keys.create("x", Policy.adminPolicy()).result();
    store.put(AccessKeyStore.PREFIX + "AKIAAAAAAAAAAAAAAAAA", Buffer.buffer("not a record"));
    try (LogCapture log = new LogCapture()) {
      assertNull(keys.find("AKIAAAAAAAAAAAAAAAAA").result());
      assertTrue(refusals(log).isEmpty(), "an id outside the key set is never read: " + refusals(log));
    }
  }

  @Test
  void storesOfEarlierVersionsAreNeitherNewNorTrusted() {
    assertTrue(keys.inventory().result().newStore());
    String id = "AKIAEARLIERVERSION00";
    store.put(AccessKeyStore.PREFIX + id, new JsonObject().put("id", id).put("admin", true).put("secret", "x")
        .toBuffer());
    AccessKeyStore.Inventory inv = keys.inventory().result();
    assertFalse(inv.newStore());
    assertFalse(inv.keySetPresent());
    assertNull(keys.find(id).result());
    assertEquals(AccessKeyStore.Status.UNSEALED, keys.list().result().get(0).status());
  }

  @Test
  void aKeySetThatDoesNotVerifyValidatesNothingAndIsReplacedOnTheNextCreate() {
    AccessKeyStore.Resolved k = keys.create("x", Policy.adminPolicy()).result();
    store.put(KeySet.OBJECT, Buffer.buffer("{\"generation\":99,\"ids\":[]}"));
    later();
    assertNull(keys.find(k.key().id()).result());
    AccessKeyStore.Resolved again = keys.create("y", Policy.adminPolicy()).result();
    assertNotNull(keys.find(again.key().id()).result());
    later();
    assertNull(keys.find(k.key().id()).result(), "keys of the replaced set stay refused");
  }

  @Test
  void malformedIdsNeverReachTheStore() {
    assertNull(keys.find("../../registry/streams/x").result());
    assertNull(keys.find("akia-lower").result());
    assertNull(keys.find(null).result());
  }

  /**
   * While the store is unreachable, a key this node already knew keeps working past its cache
   * lifetime: a store outage longer than that must not lock out every producer and reader (no
   * revocation can be read, or written, until the store answers again). An id it did not know
   * fails as the store does, and once the store answers again lookups read it as before.
   */
  @Test
  void aKnownKeyKeepsWorkingWhileTheStoreIsUnreachable() {
    java.util.concurrent.atomic.AtomicBoolean down = new java.util.concurrent.atomic.AtomicBoolean();
    io.vidlog.fragmentstore.object.ObjectStore flaky = new io.vidlog.fragmentstore.testing.ForwardingObjectStore(store) {
      @Override
      public io.vertx.core.Future<Buffer> get(String key) {
        return down.get() ? io.vertx.core.Future.failedFuture(new io.vidlog.fragmentstore.object.StoreException(
            io.vidlog.fragmentstore.object.StoreException.Kind.UNAVAILABLE, "store down")) : super.get(key);
      }
    };
    AccessKeyStore outage = new AccessKeyStore(flaky, sealer, GenerationFloor.inMemory(), clock::get);
    AccessKeyStore.Resolved k = outage.create("cam", new Policy(false, Set.of("PutMedia"), List.of("cam-*")))
        .result();
    AccessKeyStore.Resolved other = keys.create("reader", new Policy(false, Set.of("GetMedia"), List.of("cam-*")))
        .result();
    assertEquals(k.secret(), outage.find(k.key().id()).result().secret());
    down.set(true);
    later();
    later();
    assertEquals(k.secret(), outage.find(k.key().id()).result().secret(), "a known key while the store is down");
    assertTrue(outage.find(other.key().id()).failed(), "an id this node never looked up cannot be checked");
    down.set(false);
    assertTrue(keys.revoke(k.key().id()).result());
    later();
    assertNull(outage.find(k.key().id()).result(), "read again once the store answers: revoked");
  }
}
