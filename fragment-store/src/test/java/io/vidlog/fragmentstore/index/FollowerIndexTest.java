package io.vidlog.fragmentstore.index;

import static io.vidlog.fragmentstore.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.fragmentstore.FragmentRecord;
import io.vidlog.fragmentstore.chunk.ChunkHeader;
import io.vidlog.fragmentstore.object.MemoryObjectStore;
import io.vidlog.fragmentstore.testing.MemoryArchive;
import io.vidlog.fragmentstore.testing.TestSealer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A node that reads a stream another node writes (a cluster): {@link ObjectStoreTimeIndex#follow}
 * adds the writer's new records to its loaded index without reading the store or writing to it;
 * {@link ObjectStoreTimeIndex#flushAll(java.util.function.Predicate)} and
 * {@link ObjectStoreTimeIndex#forgetUnless} leave streams it does not write alone.
 */
class FollowerIndexTest {
  private final MemoryObjectStore store = new MemoryObjectStore();
  private final TestSealer sealer = new TestSealer();
  private final IndexConfig config = new IndexConfig(1_000, 2, 8);
  private final MemoryArchive archive = new MemoryArchive(store);
  private final ObjectStoreTimeIndex writer = new ObjectStoreTimeIndex(store, sealer, archive, config);
  private final CountingStore followerStore = new CountingStore(store);
  private final ObjectStoreTimeIndex follower = new ObjectStoreTimeIndex(followerStore, sealer,
      new MemoryArchive(followerStore), config);
  private final List<ChunkHeader> headers = ObjectStoreTimeIndexTest.headers(10, 5);

  private FragmentRecord write(ChunkHeader h) {
    await(archive.put(ObjectStoreTimeIndexTest.STREAM, h));
    FragmentRecord r = FragmentRecords.fromHeader(h);
    await(writer.append(ObjectStoreTimeIndexTest.STREAM, r));
    return r;
  }

  private List<FragmentRecord> all(ObjectStoreTimeIndex ix) {
    return await(ix.index(ObjectStoreTimeIndexTest.STREAM)).records();
  }

  private int storedObjects() {
    return await(store.list("", null, 10_000)).size();
  }

  @Test
  void aFollowerSeesTheWritersNewFragmentsWithoutReadingOrWritingTheStore() {
    String id = ObjectStoreTimeIndexTest.STREAM.streamId();
    headers.subList(0, 4).forEach(this::write);
    assertEquals(4, all(follower).size(), "the follower loaded the stream from the store");
    followerStore.resetCounts();
    for (ChunkHeader h : headers.subList(4, 10)) {
      follower.follow(id, write(h));
    }
    assertEquals(await(writer.latest(ObjectStoreTimeIndexTest.STREAM)),
        await(follower.latest(ObjectStoreTimeIndexTest.STREAM)));
    assertEquals(all(writer), all(follower));
    assertEquals(0, followerStore.gets(""), "answered from memory");
    int objects = storedObjects();
    await(follower.flushAll(streamId -> false));
    follower.forgetUnless(streamId -> true);
    assertEquals(objects, storedObjects(), "a follower writes no index object");
    assertEquals(1, follower.loadedStreams());
    follower.forgetUnless(streamId -> false);
    assertEquals(0, follower.loadedStreams(), "a stream this node does not write is dropped from memory");
  }

  @Test
  void aStreamNotLoadedIsNotFollowedAndARecordThatDoesNotFitDropsTheLoadedIndex() {
    String id = ObjectStoreTimeIndexTest.STREAM.streamId();
    follower.follow(id, write(headers.get(0)));
    assertEquals(0, follower.loadedStreams(), "following does not load a stream");
    write(headers.get(1));
    assertEquals(2, all(follower).size());
    FragmentRecord third = write(headers.get(2));
    FragmentRecord fourth = write(headers.get(3));
    follower.follow(id, fourth);
    follower.follow(id, third); // missed, then late: it no longer fits the tail
    assertEquals(0, follower.loadedStreams(), "the follower's index was dropped");
    assertEquals(all(writer), all(follower), "and is read again from the store");
    assertTrue(all(follower).contains(third));
  }
}
