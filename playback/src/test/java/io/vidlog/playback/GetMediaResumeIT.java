package io.vidlog.playback;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.fragmentstore.live.LiveFeed;
import io.vidlog.fragmentstore.live.LiveFeedConfig;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.fragmentstore.testing.Conditions;
import io.vidlog.playback.testing.KvsParse;
import io.vidlog.playback.testing.TestChunks;
import io.vidlog.playback.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.kinesisvideomedia.KinesisVideoMediaClient;
import software.amazon.awssdk.services.kinesisvideomedia.model.GetMediaRequest;
import software.amazon.awssdk.services.kinesisvideomedia.model.GetMediaResponse;
import software.amazon.awssdk.services.kinesisvideomedia.model.StartSelector;
import software.amazon.awssdk.services.kinesisvideomedia.model.StartSelectorType;

/**
 * Ending and resuming with continuation tokens (docs/wire-protocol.md §2), over vidlog's real store: readers
 * killed at random points, sessions ended by their maximum length, by idleness or by a drain, and
 * slow readers cut off by the live feed all end cleanly and resume from their last token, seeing
 * every frame exactly once across sessions. A consumer keeps the frames of a chunk
 * once its closing Tags (the token) arrived; a chunk cut short is re-sent whole by the next session.
 */
class GetMediaResumeIT {
  TestServer server;
  KinesisVideoMediaClient client;
  final ExecutorService readers = Executors.newCachedThreadPool();

  void start(PlaybackConfig config, LiveFeedConfig live) throws Exception {
    server = new TestServer(config, -1, live);
    client = server.mediaClient();
  }

  @AfterEach
  void stop() throws Exception {
    readers.shutdownNow();
    client.close();
    server.close();
  }

  KvsParse read(String stream, StartSelector selector, Predicate<KvsParse> stop) throws Exception {
    try (ResponseInputStream<GetMediaResponse> in = client.getMedia(
        GetMediaRequest.builder().streamName(stream).startSelector(selector).build(),
        ResponseTransformer.toInputStream())) {
      KvsParse parsed = KvsParse.read(in, stop);
      in.abort();
      return parsed;
    }
  }

  static StartSelector resumeFrom(String token) {
    return token == null
        ? StartSelector.builder().startSelectorType(StartSelectorType.EARLIEST).build()
        : StartSelector.builder().startSelectorType(StartSelectorType.CONTINUATION_TOKEN).continuationToken(token).build();
  }

  /** Frames of the chunks a session completed, appended to {@code kept}; returns the last token or the old one. */
  static String keep(KvsParse parsed, List<byte[]> kept, List<String> numbers, String token) {
    for (KvsParse.Chunk c : parsed.chunks) {
      if (c.complete) {
        kept.addAll(c.frames);
        numbers.add(c.number());
        token = c.token().orElseThrow();
      }
    }
    return token;
  }

  static void assertExactlyOnce(List<TestChunks.Fragment> fragments, List<byte[]> kept, List<String> numbers) {
    List<byte[]> expected = new ArrayList<>();
    fragments.forEach(f -> f.frames().forEach(fr -> expected.add(fr.data())));
    assertEquals(fragments.stream().map(f -> f.number().value()).toList(), numbers);
    assertEquals(expected.size(), kept.size());
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i), kept.get(i), "frame " + i);
    }
  }

  @Test
  void readerKilledAtRandomPointsSeesEveryFrameOnceAcrossSessions() throws Exception {
    start(PlaybackConfig.DEFAULTS, LiveFeedConfig.DEFAULT);
    StreamInfo s = server.store.createStream("killed", 24);
    List<TestChunks.Fragment> f = TestChunks.fragments(24, System.currentTimeMillis() - 60_000);
    for (TestChunks.Fragment x : f) {
      server.store.persist(s, x.header(), x.mkv());
    }
    Random random = new Random(20261122L);
    List<byte[]> kept = new ArrayList<>();
    List<String> numbers = new ArrayList<>();
    String token = null;
    int sessions = 0;
    while (numbers.size() < f.size()) {
      int killAfter = 1 + random.nextInt(200); // MKV elements read before the reader dies
      int[] seen = {0};
      int already = numbers.size();
      KvsParse parsed = read("killed", resumeFrom(token),
          p -> ++seen[0] >= killAfter || p.completeChunks() + already >= f.size());
      token = keep(parsed, kept, numbers, token);
      sessions++;
    }
    assertTrue(sessions > 3, "the reader was killed several times: " + sessions);
    assertExactlyOnce(f, kept, numbers);
  }

  /** Reads in the background until the server ends the response (an abrupt close throws instead). */
  CompletableFuture<KvsParse> readToTheEnd(String stream, StartSelector selector, Consumer<KvsParse> watch) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return read(stream, selector, p -> {
          watch.accept(p);
          return false;
        });
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    }, readers);
  }

  @Test
  void sessionLengthEndsTheResponseCleanly() throws Exception {
    // Nothing else can end this response: the idle end is far away and nothing is published.
    start(PlaybackConfig.DEFAULTS.withMaxSessionLength(Duration.ofMillis(200)).withLiveIdleEnd(Duration.ofHours(1)),
        LiveFeedConfig.DEFAULT);
    StreamInfo s = server.store.createStream("session", 24);
    KvsParse parsed = readToTheEnd("session", StartSelector.builder().startSelectorType(StartSelectorType.NOW)
        .build(), p -> { }).get(30, TimeUnit.SECONDS);
    assertEquals(0, parsed.chunks.size());
    Conditions.await("the session released its slot", () -> server.api.openGetMediaConnections(s.streamId()) == 0);
  }

  @Test
  void idleLiveReaderEndsCleanlyWithItsToken() throws Exception {
    start(PlaybackConfig.DEFAULTS.withLiveIdleEnd(Duration.ofMillis(300)), LiveFeedConfig.DEFAULT);
    StreamInfo s = server.store.createStream("idle", 24);
    TestChunks.Fragment f = TestChunks.fragments(1, System.currentTimeMillis()).get(0);
    server.store.persist(s, f.header(), f.mkv());
    // The idle end counts only at the live edge, which this reader reaches after the stored fragment.
    KvsParse parsed = readToTheEnd("idle", resumeFrom(null), p -> { }).get(30, TimeUnit.SECONDS);
    assertEquals(1, parsed.chunks.size());
    assertTrue(parsed.chunks.get(0).complete);
    assertEquals(f.number().value(), parsed.chunks.get(0).token().orElseThrow());

    // a reader that never saw a fragment ends too, with an empty response
    KvsParse empty = readToTheEnd("idle", resumeFrom(f.number().value()), p -> { }).get(30, TimeUnit.SECONDS);
    assertEquals(0, empty.chunks.size());
  }

  @Test
  void drainEndsLiveReadersAfterTheFragmentInProgressAndTheyResume() throws Exception {
    start(PlaybackConfig.DEFAULTS, LiveFeedConfig.DEFAULT);
    StreamInfo s = server.store.createStream("drain", 24);
    LiveFeed feed = server.feeds.feed(s.streamId());
    List<TestChunks.Fragment> f = TestChunks.fragments(2, System.currentTimeMillis());
    CountDownLatch gotFrames = new CountDownLatch(1);
    CompletableFuture<KvsParse> reader = readToTheEnd("drain",
        StartSelector.builder().startSelectorType(StartSelectorType.NOW).build(), p -> {
          if (!p.chunks.isEmpty() && p.chunks.get(0).frames.size() == 2) {
            gotFrames.countDown();
          }
        });
    assertTrue(server.feeds.subscribed.tryAcquire(30, TimeUnit.SECONDS));
    feed.publish(f.get(0).start());
    feed.publish(f.get(0).frame(0));
    feed.publish(f.get(0).frame(1));
    assertTrue(gotFrames.await(30, TimeUnit.SECONDS));
    server.api.drain();
    for (int j = 2; j < f.get(0).frames().size(); j++) {
      feed.publish(f.get(0).frame(j));
    }
    server.store.persist(s, f.get(0).header(), f.get(0).mkv());
    feed.publish(f.get(0).end(true));
    // the response ends (with no idle wait: the default is 30 s) and the fragment in progress is whole
    KvsParse parsed = reader.get(20, TimeUnit.SECONDS);
    assertEquals(1, parsed.chunks.size());
    assertTrue(parsed.chunks.get(0).complete);
    assertEquals(f.get(0).frames().size(), parsed.chunks.get(0).frames.size());
    String token = parsed.chunks.get(0).token().orElseThrow();
    assertEquals(f.get(0).number().value(), token);

    server.store.persist(s, f.get(1).header(), f.get(1).mkv());
    KvsParse next = read("drain", resumeFrom(token), KvsParse.afterChunks(1));
    assertEquals(1, next.chunks.size());
    assertEquals(f.get(1).number().value(), next.chunks.get(0).number());
  }

  @Test
  void slowReaderIsCutOffAndResumesFromTheStore() throws Exception {
    // A small per-reader queue: a reader that stops reading is cut off long before ingest notices.
    start(PlaybackConfig.DEFAULTS, new LiveFeedConfig(300_000, 200L << 20, 10_000, 2L << 20));
    StreamInfo s = server.store.createStream("slow", 24);
    LiveFeed feed = server.feeds.feed(s.streamId());
    int count = 120; // ~40 MB of frames, more than the socket buffers and the reader's queue hold
    List<TestChunks.Fragment> f = TestChunks.fragments(count, System.currentTimeMillis() - 60_000, 64 * 1024);
    CountDownLatch firstChunk = new CountDownLatch(1);
    CountDownLatch publishedAll = new CountDownLatch(1);
    CompletableFuture<KvsParse> slow = CompletableFuture.supplyAsync(() -> {
      try {
        return read("slow", StartSelector.builder().startSelectorType(StartSelectorType.NOW).build(), p -> {
          if (p.completeChunks() == 1 && firstChunk.getCount() > 0) {
            firstChunk.countDown();
            try {
              publishedAll.await(); // stop reading while the producer goes on
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          return false;
        });
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    }, readers);
    assertTrue(server.feeds.subscribed.tryAcquire(30, TimeUnit.SECONDS));
    ingest(s, feed, f.get(0));
    assertTrue(firstChunk.await(30, TimeUnit.SECONDS));
    for (int i = 1; i < count; i++) {
      ingest(s, feed, f.get(i)); // never waits for the reader
    }
    publishedAll.countDown();
    KvsParse parsed = slow.get(60, TimeUnit.SECONDS); // the response ended: cut off
    List<byte[]> kept = new ArrayList<>();
    List<String> numbers = new ArrayList<>();
    String token = keep(parsed, kept, numbers, null);
    assertTrue(numbers.size() < count, "the slow reader was cut off before the end");
    int already = numbers.size();
    KvsParse rest = read("slow", resumeFrom(token), KvsParse.afterChunks(count - already));
    keep(rest, kept, numbers, token);
    assertExactlyOnce(f, kept, numbers);
  }

  void ingest(StreamInfo s, LiveFeed feed, TestChunks.Fragment f) throws Exception {
    feed.publish(f.start());
    for (int j = 0; j < f.frames().size(); j++) {
      feed.publish(f.frame(j));
    }
    server.store.persist(s, f.header(), f.mkv());
    feed.publish(f.end(true));
  }
}
