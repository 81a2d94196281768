package io.vidlog.playback;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.fragmentstore.live.LiveEvent;
import io.vidlog.fragmentstore.live.LiveFeed;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.playback.testing.KvsParse;
import io.vidlog.playback.testing.TestChunks;
import io.vidlog.playback.testing.TestServer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.kinesisvideomedia.KinesisVideoMediaClient;
import software.amazon.awssdk.services.kinesisvideomedia.model.GetMediaRequest;
import software.amazon.awssdk.services.kinesisvideomedia.model.GetMediaResponse;
import software.amazon.awssdk.services.kinesisvideomedia.model.StartSelector;
import software.amazon.awssdk.services.kinesisvideomedia.model.StartSelectorType;

/**
 * GetMedia's live path (docs/architecture.md §Live path, docs/wire-protocol.md §2) against the real in-memory live feeds
 * and vidlog's real store: frames of an open fragment, hand-over from the store without gap or
 * duplicate, NOW and timestamps past the store, aborted fragments, retention 0. Readers are the AWS
 * SDK v2 client and the KVS parser library.
 */
class GetMediaLiveIT {
  TestServer server;
  KinesisVideoMediaClient client;
  ExecutorService readers = Executors.newCachedThreadPool();

  @BeforeEach
  void start() throws Exception {
    server = new TestServer(PlaybackConfig.DEFAULTS, -1);
    client = server.mediaClient();
  }

  @AfterEach
  void stop() throws Exception {
    readers.shutdownNow();
    client.close();
    server.close();
  }

  CompletableFuture<KvsParse> read(String stream, StartSelector selector, Predicate<KvsParse> stop) {
    return CompletableFuture.supplyAsync(() -> {
      try (ResponseInputStream<GetMediaResponse> in = client.getMedia(
          GetMediaRequest.builder().streamName(stream).startSelector(selector).build(),
          ResponseTransformer.toInputStream())) {
        KvsParse parsed = KvsParse.read(in, stop);
        in.abort();
        return parsed;
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    }, readers);
  }

  static StartSelector selector(StartSelectorType type) {
    return StartSelector.builder().startSelectorType(type).build();
  }

  void awaitSubscribed() throws InterruptedException {
    assertTrue(server.feeds.subscribed.tryAcquire(30, TimeUnit.SECONDS), "reader subscribed to the live feed");
  }

  static void assertChunk(TestChunks.Fragment f, KvsParse.Chunk c, int frames) {
    assertEquals(f.number().value(), c.number());
    assertEquals(f.header().serverTimestampMillis(), c.metadata.getServerSideTimestampMillis());
    assertEquals(f.header().producerTimestampMillis(), c.metadata.getProducerSideTimestampMillis());
    assertEquals(frames, c.frames.size());
    for (int j = 0; j < frames; j++) {
      assertArrayEquals(f.frames().get(j).data(), c.frames.get(j));
    }
  }

  static void assertWhole(TestChunks.Fragment f, KvsParse.Chunk c) {
    assertChunk(f, c, f.frames().size());
    assertTrue(c.complete);
    assertEquals(f.number().value(), c.token().orElseThrow());
    assertEquals("tail-" + (Integer.parseInt(f.number().value()) - 1000), c.userTags.get(
        "after-" + (Integer.parseInt(f.number().value()) - 1000)));
  }

  @Test
  void nowReaderReceivesFramesOfAFragmentThatIsStillOpen() throws Exception {
    StreamInfo s = server.store.createStream("now", 24);
    LiveFeed feed = server.feeds.feed(s.streamId());
    List<TestChunks.Fragment> f = TestChunks.fragments(2, System.currentTimeMillis());
    // A fragment already open when the reader arrives is skipped: NOW starts at the next one.
    feed.publish(f.get(0).start());
    feed.publish(f.get(0).frame(0));
    CompletableFuture<KvsParse> reader = read("now", selector(StartSelectorType.NOW),
        p -> !p.chunks.isEmpty() && p.chunks.get(0).frames.size() == 3);
    awaitSubscribed();
    for (int j = 1; j < f.get(0).frames().size(); j++) {
      feed.publish(f.get(0).frame(j));
    }
    feed.publish(f.get(0).end(true));
    feed.publish(f.get(1).start());
    for (int j = 0; j < 3; j++) {
      feed.publish(f.get(1).frame(j));
    }
    KvsParse parsed = reader.get(30, TimeUnit.SECONDS);
    assertEquals(1, parsed.chunks.size());
    assertChunk(f.get(1), parsed.chunks.get(0), 3);
    assertFalse(parsed.chunks.get(0).complete, "the fragment has not ended");
    assertEquals("value-1", parsed.chunks.get(0).userTags.get("meta-1"));
  }

  @Test
  void storeToLiveHandOverHasNoGapAndNoDuplicate() throws Exception {
    StreamInfo s = server.store.createStream("handover", 24);
    List<TestChunks.Fragment> f = TestChunks.fragments(8, System.currentTimeMillis() - 10_000);
    for (int i = 0; i < 4; i++) {
      ingest(s, f.get(i));
    }
    CompletableFuture<KvsParse> reader = read("handover", selector(StartSelectorType.EARLIEST),
        KvsParse.afterChunks(8));
    awaitSubscribed();
    for (int i = 4; i < 8; i++) {
      ingest(s, f.get(i));
    }
    KvsParse parsed = reader.get(30, TimeUnit.SECONDS);
    assertEquals(8, parsed.chunks.size());
    for (int i = 0; i < 8; i++) {
      assertWhole(f.get(i), parsed.chunks.get(i));
    }
  }

  @Test
  void fragmentIndexedWhileSubscribingIsFoundByTheRecheck() throws Exception {
    StreamInfo s = server.store.createStream("recheck", 24);
    List<TestChunks.Fragment> f = TestChunks.fragments(7, System.currentTimeMillis() - 10_000);
    for (int i = 0; i < 4; i++) {
      server.store.persist(s, f.get(i).header(), f.get(i).mkv());
    }
    // 4 and 5 were ingested where this live feed never saw them (another node, or before a restart):
    // their chunks are stored, and the index lists them only from the moment the reader, having
    // found nothing after 3, subscribes at the live edge. Only asking the index again finds them.
    server.store.storeChunk(s, f.get(4).header(), f.get(4).mkv());
    server.store.storeChunk(s, f.get(5).header(), f.get(5).mkv());
    server.feeds.onNextSubscribe.set(() -> {
      server.store.indexLater(s, f.get(4).header());
      server.store.indexLater(s, f.get(5).header());
    });
    CompletableFuture<KvsParse> reader = read("recheck", selector(StartSelectorType.EARLIEST),
        KvsParse.afterChunks(7));
    awaitSubscribed(); // after 3: the recheck sends the reader back to the store
    awaitSubscribed(); // after 5
    ingest(s, f.get(6));
    KvsParse parsed = reader.get(30, TimeUnit.SECONDS);
    assertEquals(7, parsed.chunks.size());
    for (int i = 0; i < 7; i++) {
      assertWhole(f.get(i), parsed.chunks.get(i));
    }
  }

  /**
   * Three fragments ingested (stored and in the live window), then a reader with the selector made
   * from them: it must receive exactly the fourth, the next to be ingested.
   */
  void assertStartsWithTheNextFragment(String name, Function<List<TestChunks.Fragment>, StartSelector> selector)
      throws Exception {
    StreamInfo s = server.store.createStream(name, 24);
    List<TestChunks.Fragment> f = TestChunks.fragments(4, System.currentTimeMillis() - 10_000);
    for (int i = 0; i < 3; i++) {
      ingest(s, f.get(i));
    }
    CompletableFuture<KvsParse> reader = read(name, selector.apply(f), KvsParse.afterChunks(1));
    awaitSubscribed();
    ingest(s, f.get(3));
    KvsParse parsed = reader.get(30, TimeUnit.SECONDS);
    assertEquals(1, parsed.chunks.size());
    assertWhole(f.get(3), parsed.chunks.get(0));
  }

  @Test
  void nowOnAStreamWithStoredFragmentsStartsWithTheNextFragment() throws Exception {
    assertStartsWithTheNextFragment("now-stored", f -> selector(StartSelectorType.NOW));
  }

  @Test
  void timestampPastEverythingStoredStartsWithTheNextFragment() throws Exception {
    assertStartsWithTheNextFragment("future", f -> {
      TestChunks.Fragment last = f.get(2);
      long pastLast = last.header().serverTimestampMillis() + last.header().durationMillis() + 1;
      return StartSelector.builder().startSelectorType(StartSelectorType.SERVER_TIMESTAMP)
          .startTimestamp(java.time.Instant.ofEpochMilli(pastLast)).build();
    });
  }

  @Test
  void abortedFragmentIsClosedCleanlyAndTheNextFollows() throws Exception {
    StreamInfo s = server.store.createStream("aborted", 24);
    LiveFeed feed = server.feeds.feed(s.streamId());
    List<TestChunks.Fragment> f = TestChunks.fragments(2, System.currentTimeMillis());
    CompletableFuture<KvsParse> reader = read("aborted", selector(StartSelectorType.NOW), KvsParse.afterChunks(2));
    awaitSubscribed();
    feed.publish(f.get(0).start());
    for (int j = 0; j < 3; j++) {
      feed.publish(f.get(0).frame(j));
    }
    feed.publish(new LiveEvent.FragmentAborted(f.get(0).number(), "test"));
    ingest(s, f.get(1));
    KvsParse parsed = reader.get(30, TimeUnit.SECONDS);
    assertEquals(2, parsed.chunks.size());
    assertChunk(f.get(0), parsed.chunks.get(0), 3);
    assertEquals(f.get(0).number().value(), parsed.chunks.get(0).token().orElseThrow());
    assertWhole(f.get(1), parsed.chunks.get(1));
  }

  @Test
  void retentionZeroStreamIsServedFromTheLiveWindow() throws Exception {
    StreamInfo s = server.store.createStream("zero", 0);
    List<TestChunks.Fragment> f = TestChunks.fragments(4, System.currentTimeMillis());
    for (int i = 0; i < 3; i++) {
      f.get(i).publishTo(server.feeds.feed(s.streamId()), false);
    }
    CompletableFuture<KvsParse> reader = read("zero", selector(StartSelectorType.EARLIEST), KvsParse.afterChunks(4));
    awaitSubscribed();
    f.get(3).publishTo(server.feeds.feed(s.streamId()), false);
    KvsParse parsed = reader.get(30, TimeUnit.SECONDS);
    for (int i = 0; i < 4; i++) {
      assertWhole(f.get(i), parsed.chunks.get(i));
    }
  }

  @Test
  void retentionZeroTimestampStartsWithTheFragmentThatContainsIt() throws Exception {
    StreamInfo s = server.store.createStream("zero-ts", 0);
    List<TestChunks.Fragment> f = TestChunks.fragments(4, System.currentTimeMillis());
    for (int i = 0; i < 3; i++) {
      f.get(i).publishTo(server.feeds.feed(s.streamId()), false);
    }
    // a timestamp inside fragment 1 (after its start, before fragment 2 starts)
    long inside = f.get(1).header().serverTimestampMillis() + f.get(1).header().durationMillis() / 2;
    StartSelector at = StartSelector.builder().startSelectorType(StartSelectorType.SERVER_TIMESTAMP)
        .startTimestamp(java.time.Instant.ofEpochMilli(inside)).build();
    CompletableFuture<KvsParse> reader = read("zero-ts", at, KvsParse.afterChunks(3));
    awaitSubscribed();
    f.get(3).publishTo(server.feeds.feed(s.streamId()), false);
    KvsParse parsed = reader.get(30, TimeUnit.SECONDS);
    for (int i = 0; i < 3; i++) {
      assertWhole(f.get(i + 1), parsed.chunks.get(i));
    }
  }

  /** What ingest does per fragment: publish start and frames, persist and index, publish the end. */
  void ingest(StreamInfo s, TestChunks.Fragment f) throws Exception {
    LiveFeed feed = server.feeds.feed(s.streamId());
    feed.publish(f.start());
    for (int j = 0; j < f.frames().size(); j++) {
      feed.publish(f.frame(j));
    }
    server.store.persist(s, f.header(), f.mkv());
    feed.publish(f.end(true));
  }
}
