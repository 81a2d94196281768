package io.vidlog.playback;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.fragmentstore.live.LiveEvent;
import io.vidlog.fragmentstore.live.LiveFeed;
import io.vidlog.fragmentstore.live.LiveFeedConfig;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.playback.testing.KvsParse;
import io.vidlog.playback.testing.TestChunks;
import io.vidlog.playback.testing.TestServer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
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
 * GetMedia's live path (DESIGN.md §Live path, kvs-api.md §2) against the real in-memory live feeds:
 * frames of an open fragment, hand-over from the store without gap or duplicate, aborted fragments,
 * retention 0. Readers are the AWS SDK v2 client and the KVS parser library.
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
    StreamInfo s = server.store.addStream("now", 24);
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
    StreamInfo s = server.store.addStream("handover", 24);
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
    // A window that keeps no closed fragment: everything the reader missed must come from the store.
    server.close();
    client.close();
    server = new TestServer(PlaybackConfig.DEFAULTS, -1, new LiveFeedConfig(300_000, 1, 10_000, 32L << 20));
    client = server.mediaClient();
    StreamInfo s = server.store.addStream("recheck", 24);
    List<TestChunks.Fragment> f = TestChunks.fragments(7, System.currentTimeMillis() - 10_000);
    for (int i = 0; i < 6; i++) {
      ingest(s, f.get(i));
    }
    // The index lags: 4 and 5 are stored and published but not yet indexed when the reader reaches
    // the edge; they get indexed the moment it subscribes.
    server.store.indexVisibleUpTo = f.get(3).number();
    server.feeds.onSubscribe = () -> server.store.indexVisibleUpTo = null;
    CompletableFuture<KvsParse> reader = read("recheck", selector(StartSelectorType.EARLIEST),
        KvsParse.afterChunks(7));
    awaitSubscribed();
    server.feeds.onSubscribe = null;
    ingest(s, f.get(6));
    KvsParse parsed = reader.get(30, TimeUnit.SECONDS);
    assertEquals(7, parsed.chunks.size());
    for (int i = 0; i < 7; i++) {
      assertWhole(f.get(i), parsed.chunks.get(i));
    }
  }

  @Test
  void abortedFragmentIsClosedCleanlyAndTheNextFollows() throws Exception {
    StreamInfo s = server.store.addStream("aborted", 24);
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
    StreamInfo s = server.store.addStream("zero", 0);
    List<TestChunks.Fragment> f = TestChunks.fragments(4, System.currentTimeMillis());
    for (int i = 0; i < 3; i++) {
      server.feeds.publishAll(s.streamId(), f.get(i), false);
    }
    CompletableFuture<KvsParse> reader = read("zero", selector(StartSelectorType.EARLIEST), KvsParse.afterChunks(4));
    awaitSubscribed();
    server.feeds.publishAll(s.streamId(), f.get(3), false);
    KvsParse parsed = reader.get(30, TimeUnit.SECONDS);
    for (int i = 0; i < 4; i++) {
      assertWhole(f.get(i), parsed.chunks.get(i));
    }
  }

  @Test
  void retentionZeroTimestampStartsWithTheFragmentThatContainsIt() throws Exception {
    StreamInfo s = server.store.addStream("zero-ts", 0);
    List<TestChunks.Fragment> f = TestChunks.fragments(4, System.currentTimeMillis());
    for (int i = 0; i < 3; i++) {
      server.feeds.publishAll(s.streamId(), f.get(i), false);
    }
    // a timestamp inside fragment 1 (after its start, before fragment 2 starts)
    long inside = f.get(1).header().serverTimestampMillis() + f.get(1).header().durationMillis() / 2;
    StartSelector at = StartSelector.builder().startSelectorType(StartSelectorType.SERVER_TIMESTAMP)
        .startTimestamp(java.time.Instant.ofEpochMilli(inside)).build();
    CompletableFuture<KvsParse> reader = read("zero-ts", at, KvsParse.afterChunks(3));
    awaitSubscribed();
    server.feeds.publishAll(s.streamId(), f.get(3), false);
    KvsParse parsed = reader.get(30, TimeUnit.SECONDS);
    for (int i = 0; i < 3; i++) {
      assertWhole(f.get(i + 1), parsed.chunks.get(i));
    }
  }

  /** What ingest does per fragment: publish start and frames, persist and index, publish the end. */
  void ingest(StreamInfo s, TestChunks.Fragment f) {
    LiveFeed feed = server.feeds.feed(s.streamId());
    feed.publish(f.start());
    for (int j = 0; j < f.frames().size(); j++) {
      feed.publish(f.frame(j));
    }
    server.store.persist(s, f);
    feed.publish(f.end(true));
  }
}
