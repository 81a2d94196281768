package io.vidlog.fragmentstore.chunk;

import static io.vidlog.fragmentstore.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.crypto.Crypto;
import io.vidlog.fragmentstore.crypto.MasterKey;
import io.vidlog.fragmentstore.crypto.StreamingSeal;
import io.vidlog.fragmentstore.object.ObjectInfo;
import io.vidlog.fragmentstore.object.StoreException;
import io.vidlog.fragmentstore.streams.StreamInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Master-key rotation re-wraps data keys without touching media: chunks written before stay
 * readable (even once the old master key is gone), new data keys are wrapped by the new master key,
 * and a rotated data key seals new chunks while old ones keep opening.
 */
class KeyRotationTest extends ArchiveFixture {

  private String wrappingMasterId(String scope) {
    List<ObjectInfo> keys = await(store.list(Crypto.keyPrefix(scope), null, 10));
    assertEquals(1, keys.size());
    byte[] wrapped = await(store.get(keys.get(0).key())).getBytes();
    return new String(wrapped, 6, wrapped[5], StandardCharsets.US_ASCII);
  }

  private String chunkKeyId(StreamInfo s, FragmentNumber n) {
    byte[] prefix = await(store.getRange(SealedFragmentArchive.objectKey(s, n), 0, StreamingSeal.PREFIX_LENGTH)).getBytes();
    return new String(prefix, 10, prefix[9], StandardCharsets.US_ASCII);
  }

  @Test
  void rotationRewrapsDataKeysAndOldChunksStayReadable() throws Exception {
    StreamInfo s = stream("rot");
    byte[] before = randomBytes(100_000, 1);
    store(s, fn(1), before);
    String oldMaster = crypto.keyring().current().id();
    assertEquals(oldMaster, wrappingMasterId(s.streamId()));
    byte[] mediaBefore = Files.readAllBytes(dataDir.resolve("objects").resolve(SealedFragmentArchive.objectKey(s, fn(1))));

    MasterKey fresh = on(() -> crypto.rotateMasterKey());
    assertNotEquals(oldMaster, fresh.id());
    // not yet re-wrapped: old master still opens the data key
    assertArrayEquals(before, read(s, fn(1)));
    assertEquals(1, (int) on(() -> crypto.rewrap(s.streamId())));
    assertEquals(fresh.id(), wrappingMasterId(s.streamId()));
    assertEquals(0, (int) on(() -> crypto.rewrap(s.streamId())), "re-wrapping twice changes nothing");

    // a new stream's data key is wrapped by the new master key
    StreamInfo later = stream("rot-later");
    store(later, fn(1), randomBytes(10, 2));
    assertEquals(fresh.id(), wrappingMasterId(later.streamId()));

    // remove the old master key and start over from disk: old media still opens, media bytes untouched
    Files.delete(dataDir.resolve("keys").resolve("master-" + oldMaster + ".key"));
    crypto = await(Crypto.open(vertx, store, dataDir.resolve("keys")));
    archive = new SealedFragmentArchive(vertx, store, crypto, dataDir.resolve("spool"));
    assertArrayEquals(before, read(s, fn(1)));
    assertArrayEquals(mediaBefore,
        Files.readAllBytes(dataDir.resolve("objects").resolve(SealedFragmentArchive.objectKey(s, fn(1)))));
  }

  @Test
  void withoutRewrapTheOldMasterKeyIsStillNeeded() throws Exception {
    StreamInfo s = stream("rot-needed");
    store(s, fn(1), randomBytes(1000, 3));
    String oldMaster = crypto.keyring().current().id();
    on(() -> crypto.rotateMasterKey());
    Files.delete(dataDir.resolve("keys").resolve("master-" + oldMaster + ".key"));
    Crypto reopened = await(Crypto.open(vertx, store, dataDir.resolve("keys")));
    archive = new SealedFragmentArchive(vertx, store, reopened, dataDir.resolve("spool"));
    StoreException e = assertThrows(StoreException.class, () -> read(s, fn(1)));
    assertEquals(StoreException.Kind.INTEGRITY, e.kind());
  }

  @Test
  void rotatedDataKeySealsNewChunksAndOldOnesStillOpen() {
    StreamInfo s = stream("rot-dk");
    byte[] old = randomBytes(70_000, 4);
    store(s, fn(1), old);
    String firstKey = chunkKeyId(s, fn(1));
    String second = on(() -> crypto.rotateDataKey(s.streamId()));
    assertNotEquals(firstKey, second);
    byte[] fresh = randomBytes(70_000, 5);
    store(s, fn(2), fresh);
    assertEquals(second, chunkKeyId(s, fn(2)));
    assertArrayEquals(old, read(s, fn(1)));
    assertArrayEquals(fresh, read(s, fn(2)));
    // a fresh process loads both data keys from the store
    crypto.forget(s.streamId());
    assertArrayEquals(old, read(s, fn(1)));
    assertArrayEquals(fresh, read(s, fn(2)));
  }

}
