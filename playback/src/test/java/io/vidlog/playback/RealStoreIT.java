package io.vidlog.playback;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vidlog.fragmentstore.live.LiveFeed;
import io.vidlog.fragmentstore.live.LiveFeedConfig;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.playback.testing.KvsParse;
import io.vidlog.playback.testing.RealStore;
import io.vidlog.playback.testing.TestChunks;
import io.vidlog.playback.testing.TestServer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.KinesisVideoArchivedMediaClient;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.GetMediaForFragmentListRequest;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.GetMediaForFragmentListResponse;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.ListFragmentsRequest;
import software.amazon.awssdk.services.kinesisvideomedia.KinesisVideoMediaClient;
import software.amazon.awssdk.services.kinesisvideomedia.model.GetMediaRequest;
import software.amazon.awssdk.services.kinesisvideomedia.model.GetMediaResponse;
import software.amazon.awssdk.services.kinesisvideomedia.model.StartSelector;
import software.amazon.awssdk.services.kinesisvideomedia.model.StartSelectorType;

/**
 * The playback APIs over vidlog's real store (fs objects, sealed chunks decrypted as they stream,
 * durable time index, stream registry) and live feeds, read with the AWS SDK v2 clients and the KVS
 * parser library.
 */
class RealStoreIT {
  @TempDir
  static Path dir;
  static Vertx vertx;
  static RealStore store;
  static TestServer server;
  static KinesisVideoMediaClient media;
  static KinesisVideoArchivedMediaClient archived;
  static StreamInfo stream;
  static List<TestChunks.Fragment> fragments;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    store = new RealStore(vertx, dir);
    server = new TestServer(vertx, store, PlaybackConfig.DEFAULTS, -1, LiveFeedConfig.DEFAULT);
    media = server.mediaClient();
    archived = server.archivedClient();
    stream = store.create("real", 24);
    // Frames padded to 40 KB so each chunk spans several 64 KB sealed segments.
    fragments = TestChunks.fragments(10, System.currentTimeMillis() - 60_000, 40 * 1024);
    for (int i = 0; i < 8; i++) {
      store.persist(stream, fragments.get(i));
    }
  }

  @AfterAll
  static void stop() throws Exception {
    media.close();
    archived.close();
    store.close();
    server.close();
  }

  /** A GetMedia chunk: the fragment, closed by its continuation token. */
  static void assertWhole(TestChunks.Fragment f, KvsParse.Chunk c) {
    assertEquals(f.number().value(), c.token().orElseThrow());
    assertFrames(f, c);
  }

  static void assertFrames(TestChunks.Fragment f, KvsParse.Chunk c) {
    assertTrue(c.metadata.isSuccess());
    assertEquals(f.number().value(), c.number());
    assertEquals(f.header().serverTimestampMillis(), c.metadata.getServerSideTimestampMillis());
    assertEquals(f.header().producerTimestampMillis(), c.metadata.getProducerSideTimestampMillis());
    assertEquals(f.frames().size(), c.frames.size());
    for (int j = 0; j < c.frames.size(); j++) {
      assertArrayEquals(f.frames().get(j).data(), c.frames.get(j));
    }
  }

  @Test
  void earliestReadsTheStoreThenHandsOverToLive() throws Exception {
    CompletableFuture<KvsParse> reader = CompletableFuture.supplyAsync(() -> {
      try (ResponseInputStream<GetMediaResponse> in = media.getMedia(GetMediaRequest.builder().streamName("real")
          .startSelector(StartSelector.builder().startSelectorType(StartSelectorType.EARLIEST).build()).build(),
          ResponseTransformer.toInputStream())) {
        KvsParse p = KvsParse.read(in, KvsParse.afterChunks(10));
        in.abort();
        return p;
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
    assertTrue(server.feeds.subscribed.tryAcquire(60, TimeUnit.SECONDS));
    LiveFeed feed = server.feeds.feed(stream.streamId());
    for (int i = 8; i < 10; i++) {
      TestChunks.Fragment f = fragments.get(i);
      feed.publish(f.start());
      for (int j = 0; j < f.frames().size(); j++) {
        feed.publish(f.frame(j));
      }
      store.persist(stream, f);
      feed.publish(f.end(true));
    }
    KvsParse parsed = reader.get(60, TimeUnit.SECONDS);
    for (int i = 0; i < 10; i++) {
      assertWhole(fragments.get(i), parsed.chunks.get(i));
    }
  }

  @Test
  void listAndFragmentListComeFromTheIndexAndTheSealedChunks() throws Exception {
    var listed = archived.listFragments(ListFragmentsRequest.builder().streamName("real").build()).fragments();
    assertTrue(listed.size() >= 8);
    KvsParse parsed;
    try (ResponseInputStream<GetMediaForFragmentListResponse> in = archived.getMediaForFragmentList(
        GetMediaForFragmentListRequest.builder().streamName("real")
            .fragments(fragments.get(5).number().value(), "12345", fragments.get(0).number().value()).build(),
        ResponseTransformer.toInputStream())) {
      parsed = KvsParse.read(in, p -> false);
    }
    assertEquals(3, parsed.chunks.size());
    assertFrames(fragments.get(5), parsed.chunks.get(0));
    assertFalse(parsed.chunks.get(1).metadata.isSuccess());
    assertEquals(4000, parsed.chunks.get(1).metadata.getErrorId());
    assertFrames(fragments.get(0), parsed.chunks.get(2));
  }
}
