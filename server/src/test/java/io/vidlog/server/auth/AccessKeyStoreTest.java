package io.vidlog.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.fragmentstore.object.MemoryObjectStore;
import io.vidlog.server.support.TestSealer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AccessKeyStoreTest {
  final MemoryObjectStore store = new MemoryObjectStore();
  final AtomicLong clock = new AtomicLong(1_000_000);
  final AccessKeyStore keys = new AccessKeyStore(store, new TestSealer(), clock::get);

  @Test
  void createFindListRevoke() {
    AccessKeyStore.Resolved k = keys.create("cam uploader", new Policy(false, Set.of("PutMedia"), List.of("cam-*")))
        .result();
    assertTrue(k.key().id().matches("AKIA[A-Z2-7]{16}"), k.key().id());
    assertEquals(40, k.secret().length());
    AccessKeyStore.Resolved found = keys.find(k.key().id()).result();
    assertEquals(k.key(), found.key());
    assertEquals(k.secret(), found.secret());
    assertEquals(List.of(k.key()), keys.list().result());
    assertTrue(keys.revoke(k.key().id()).result());
    assertNull(keys.find(k.key().id()).result());
    assertFalse(keys.revoke(k.key().id()).result());
  }

  @Test
  void theSecretIsSealedAtRest() {
    AccessKeyStore.Resolved k = keys.create("x", Policy.adminPolicy()).result();
    String stored = store.get(AccessKeyStore.PREFIX + k.key().id()).result().toString(StandardCharsets.UTF_8);
    assertFalse(stored.contains(k.secret()), stored);
    assertTrue(stored.contains(k.key().id()));
  }

  @Test
  void anotherNodesRevocationIsSeenAfterTheCacheTtl() {
    AccessKeyStore.Resolved k = keys.create("x", Policy.adminPolicy()).result();
    assertNotNull(keys.find(k.key().id()).result());
    store.delete(AccessKeyStore.PREFIX + k.key().id()); // as another node's revoke would
    assertNotNull(keys.find(k.key().id()).result(), "cached");
    clock.addAndGet(AccessKeyStore.POSITIVE_TTL_MS + 1);
    assertNull(keys.find(k.key().id()).result());
  }

  @Test
  void malformedIdsNeverReachTheStore() {
    assertNull(keys.find("../../registry/streams/x").result());
    assertNull(keys.find("akia-lower").result());
    assertNull(keys.find(null).result());
  }
}
