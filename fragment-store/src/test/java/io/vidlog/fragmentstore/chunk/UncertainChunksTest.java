package io.vidlog.fragmentstore.chunk;

import static io.vidlog.fragmentstore.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.object.ObjectStore;
import io.vidlog.fragmentstore.object.StoreException;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.fragmentstore.testing.Conditions;
import io.vidlog.fragmentstore.testing.ForwardingObjectStore;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A chunk whose upload the store took but never acknowledged (an S3 server that died before it
 * answered) is deleted once the store answers again, so that no index rebuild lists a fragment
 * its producer was answered 5001 for; a chunk the store refused for a reason it stated is left
 * alone.
 */
class UncertainChunksTest extends ArchiveFixture {
  /** Stores every put, then answers as told; refuses deletes while down. */
  final class DyingStore extends ForwardingObjectStore {
    volatile StoreException.Kind putAnswer;
    volatile boolean down;
    final AtomicInteger deletes = new AtomicInteger();

    DyingStore(ObjectStore store) {
      super(store);
    }

    @Override
    public Future<Void> putFile(String key, Path file) {
      StoreException.Kind answer = putAnswer;
      return store.putFile(key, file).compose(v -> answer == null ? Future.succeededFuture()
          : Future.failedFuture(new StoreException(answer, "the store went away while answering")));
    }

    @Override
    public Future<Void> delete(String key) {
      deletes.incrementAndGet();
      return down ? Future.failedFuture(new StoreException(StoreException.Kind.UNAVAILABLE, "still down"))
          : store.delete(key);
    }
  }

  DyingStore dying;
  SealedFragmentArchive flaky;

  @BeforeEach
  void dyingStore() {
    dying = new DyingStore(store);
    flaky = new SealedFragmentArchive(vertx, dying, crypto, dataDir.resolve("spool"), 20, 160);
  }

  private StoreException commitFails(StreamInfo s, FragmentNumber n) {
    Promise<Void> p = Promise.promise();
    context.runOnContext(v -> {
      FragmentArchive.ChunkWriter w = flaky.begin(s, n);
      w.write(Buffer.buffer(randomBytes(70_000, 5))).compose(x -> w.commit(header(n, 70_000))).onComplete(p);
    });
    return assertThrows(StoreException.class, () -> await(p.future()));
  }

  private boolean stored(StreamInfo s, FragmentNumber n) {
    try {
      await(store.stat(SealedFragmentArchive.objectKey(s, n)));
      return true;
    } catch (StoreException e) {
      if (e.kind() == StoreException.Kind.NOT_FOUND) {
        return false;
      }
      throw e;
    }
  }

  @Test
  void aChunkStoredButNotAcknowledgedIsDeletedOnceTheStoreAnswersAgain() throws Exception {
    StreamInfo s = stream("dying");
    dying.putAnswer = StoreException.Kind.UNAVAILABLE;
    dying.down = true;
    assertEquals(StoreException.Kind.UNAVAILABLE, commitFails(s, fn(1)).kind());
    assertTrue(stored(s, fn(1)), "the store kept the upload it did not acknowledge");
    assertEquals(1, flaky.uncertainChunks());

    Conditions.await("the delete is retried while the store is down", () -> dying.deletes.get() >= 3);
    assertTrue(stored(s, fn(1)));
    assertEquals(1, flaky.uncertainChunks());

    dying.down = false;
    Conditions.await("deleted once the store answers", () -> !stored(s, fn(1)));
    Conditions.await("and forgotten", () -> flaky.uncertainChunks() == 0);
  }

  @Test
  void aChunkTheStoreRefusedForAStatedReasonIsNotDeleted() throws Exception {
    StreamInfo s = stream("refused");
    dying.putAnswer = StoreException.Kind.DENIED;
    assertEquals(StoreException.Kind.DENIED, commitFails(s, fn(2)).kind());
    assertEquals(0, flaky.uncertainChunks());
    dying.putAnswer = StoreException.Kind.UNAVAILABLE;
    commitFails(s, fn(3));
    Conditions.await("the uncertain one is deleted", () -> !stored(s, fn(3)));
    assertEquals(1, dying.deletes.get(), "only the uncertain one");
    assertTrue(stored(s, fn(2)), "a refused write is the store's to have dropped: not touched");
  }
}
