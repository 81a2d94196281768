package io.vidlog.fragmentstore;

import static io.vidlog.fragmentstore.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vidlog.fragmentstore.testing.MemoryArchive;
import io.vidlog.fragmentstore.live.LiveFeed;
import io.vidlog.fragmentstore.object.MemoryObjectStore;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.kvs.StreamRef;
import io.vidlog.fragmentstore.streams.StreamRegistry.CreateStreamRequest;
import io.vidlog.fragmentstore.testing.TestSealer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FragmentStoreTest {
  private final Vertx vertx = Vertx.vertx();
  private final MemoryObjectStore store = new MemoryObjectStore();
  private final TestSealer sealer = new TestSealer();

  @AfterEach
  void tearDown() {
    await(vertx.close());
  }

  private FragmentStore open() {
    return await(FragmentStore.open(vertx, store, Sealers.of(sealer), new MemoryArchive(store),
        FragmentStoreConfig.DEFAULT));
  }

  @Test
  void deletingAStreamCutsOffItsLiveSubscribersAndForgetsItsIndex() throws Exception {
    FragmentStore fs = open();
    StreamInfo s = await(fs.registry().create(new CreateStreamRequest("cam", null, null, null, 1, null)));
    CompletableFuture<LiveFeed.CutOff> cut = new CompletableFuture<>();
    vertx.runOnContext(v -> fs.feeds().feed(s.streamId()).subscribe(null, e -> {}, cut::complete));
    FragmentNumbers numbers = await(fs.numbersFor(s));
    FragmentNumber n = numbers.next(s.streamId());
    await(fs.index().append(s, new FragmentRecord(n, 1, 1, 1, 1, 1, false)));
    assertEquals(1, fs.index().loadedStreams());
    await(fs.registry().delete(StreamRef.byName("cam"), null));
    assertEquals(LiveFeed.CutOff.Reason.STREAM_DELETED, cut.get(10, TimeUnit.SECONDS).reason());
    assertEquals(0, fs.index().loadedStreams());
    await(fs.shutdown());
  }

  @Test
  void oneSystemSealerWiringWorksToo() {
    FragmentStore fs = await(FragmentStore.open(vertx, store, sealer, new MemoryArchive(store),
        FragmentStoreConfig.DEFAULT));
    StreamInfo s = await(fs.registry().create(new CreateStreamRequest("cam", null, null, null, 1, null)));
    FragmentNumber n = await(fs.numbersFor(s)).next(s.streamId());
    await(fs.index().append(s, new FragmentRecord(n, 1, 1, 1, 1, 1, false)));
    await(fs.shutdown());
    FragmentStore again = await(FragmentStore.open(vertx, store, sealer, new MemoryArchive(store),
        FragmentStoreConfig.DEFAULT));
    assertEquals(n, await(again.index().latest(s)).number(), "read back from the segment flushed at shutdown");
    again.close();
  }

  @Test
  void numbersAfterARestartAreAboveTheIndexedOnes() {
    FragmentStore fs = open();
    StreamInfo s = await(fs.registry().create(new CreateStreamRequest("cam", null, null, null, 1, null)));
    // A number minted by a node whose clock was an hour ahead.
    FragmentNumber ahead = new FragmentNumbers(0, () -> System.currentTimeMillis() + 3_600_000L).next(s.streamId());
    await(fs.index().append(s, new FragmentRecord(ahead, 1, 1, 1, 1, 1, false)));
    await(fs.shutdown());

    FragmentStore restarted = open();
    StreamInfo same = await(restarted.registry().describe(StreamRef.byName("cam")));
    FragmentNumber next = await(restarted.numbersFor(same)).next(same.streamId());
    assertTrue(next.compareTo(ahead) > 0, next + " > " + ahead);
    restarted.close();
  }
}
