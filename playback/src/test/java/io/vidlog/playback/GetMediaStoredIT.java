package io.vidlog.playback;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.fragmentstore.crypto.StreamingSeal;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.fragmentstore.testing.Conditions;
import io.vidlog.playback.testing.KvsParse;
import io.vidlog.playback.testing.TestChunks;
import io.vidlog.playback.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.kinesisvideomedia.KinesisVideoMediaClient;
import software.amazon.awssdk.services.kinesisvideomedia.model.ConnectionLimitExceededException;
import software.amazon.awssdk.services.kinesisvideomedia.model.GetMediaRequest;
import software.amazon.awssdk.services.kinesisvideomedia.model.GetMediaResponse;
import software.amazon.awssdk.services.kinesisvideomedia.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesisvideomedia.model.NotAuthorizedException;
import software.amazon.awssdk.services.kinesisvideomedia.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesisvideomedia.model.StartSelector;
import software.amazon.awssdk.services.kinesisvideomedia.model.StartSelectorType;

/**
 * GetMedia over fragments in vidlog's real store (sealed chunks, durable time index), read with the
 * AWS SDK v2 client and the KVS parser library (docs/wire-protocol.md §2, §8): every frame once, in order,
 * with the right tags, for every selector that starts in the store.
 */
class GetMediaStoredIT {
  static final long BASE = 1_700_000_000_123L;
  static final long NOW = BASE + 3_600_000L;
  static final int COUNT = 8;

  static TestServer server;
  static KinesisVideoMediaClient client;
  static StreamInfo stream;
  static List<TestChunks.Fragment> fragments;

  @BeforeAll
  static void start() throws Exception {
    server = new TestServer(PlaybackConfig.DEFAULTS, NOW);
    client = server.mediaClient();
    stream = server.store.createStream("stored", 24);
    fragments = TestChunks.fragments(COUNT, BASE);
    for (TestChunks.Fragment f : fragments) {
      server.store.persist(stream, f.header(), f.mkv());
    }
  }

  @AfterAll
  static void stop() throws Exception {
    client.close();
    server.close();
  }

  static KvsParse read(StartSelector selector, Predicate<KvsParse> stop) throws Exception {
    try (ResponseInputStream<GetMediaResponse> in = client.getMedia(
        GetMediaRequest.builder().streamName("stored").startSelector(selector).build(),
        ResponseTransformer.toInputStream())) {
      assertEquals("video/webm", in.response().contentType());
      KvsParse parsed = KvsParse.read(in, stop);
      in.abort();
      return parsed;
    }
  }

  /** Asserts chunk k of {@code parsed} is fragment {@code first + k}, frame for frame and tag for tag. */
  static void assertFragments(KvsParse parsed, int first, int count) {
    assertEquals(count, parsed.chunks.size(), "chunks read");
    for (int k = 0; k < count; k++) {
      TestChunks.Fragment f = fragments.get(first + k);
      KvsParse.Chunk c = parsed.chunks.get(k);
      assertTrue(c.metadata.isSuccess());
      assertEquals(f.number().value(), c.number());
      assertEquals(f.header().serverTimestampMillis(), c.metadata.getServerSideTimestampMillis());
      assertEquals(f.header().producerTimestampMillis(), c.metadata.getProducerSideTimestampMillis());
      assertEquals(NOW - (f.header().serverTimestampMillis() + f.header().durationMillis()),
          c.metadata.getMillisBehindNow().getAsLong());
      assertEquals(f.number().value(), c.token().orElseThrow());
      assertEquals(f.frames().size(), c.frames.size());
      for (int j = 0; j < f.frames().size(); j++) {
        assertArrayEquals(f.frames().get(j).data(), c.frames.get(j), "fragment " + k + " frame " + j);
        assertEquals(f.frames().get(j).keyFrame(), c.keyFrames.get(j));
      }
      assertEquals("V_MPEG4/ISO/AVC", c.codecId);
      int i = first + k;
      assertEquals("value-" + i, c.userTags.get("meta-" + i), "pre-cluster producer metadata");
      assertEquals("tail-" + i, c.userTags.get("after-" + i), "post-cluster producer metadata");
    }
  }

  @Test
  void earliestSendsEveryStoredFragmentInOrder() throws Exception {
    KvsParse parsed = read(StartSelector.builder().startSelectorType(StartSelectorType.EARLIEST).build(),
        KvsParse.afterChunks(COUNT));
    assertFragments(parsed, 0, COUNT);
  }

  @Test
  void fragmentNumberStartsAfterTheNamedFragment() throws Exception {
    KvsParse parsed = read(StartSelector.builder().startSelectorType(StartSelectorType.FRAGMENT_NUMBER)
        .afterFragmentNumber(fragments.get(2).number().value()).build(), KvsParse.afterChunks(COUNT - 3));
    assertFragments(parsed, 3, COUNT - 3);
  }

  @Test
  void continuationTokenResumesAfterTheLastFullChunk() throws Exception {
    KvsParse first = read(StartSelector.builder().startSelectorType(StartSelectorType.EARLIEST).build(),
        KvsParse.afterChunks(3));
    String token = first.chunks.get(2).token().orElseThrow();
    KvsParse parsed = read(StartSelector.builder().startSelectorType(StartSelectorType.CONTINUATION_TOKEN)
        .continuationToken(token).build(), KvsParse.afterChunks(COUNT - 3));
    assertFragments(parsed, 3, COUNT - 3);
  }

  @Test
  void serverTimestampStartsWithTheChunkContainingIt() throws Exception {
    TestChunks.Fragment f = fragments.get(4);
    long inside = f.header().serverTimestampMillis() + f.header().durationMillis() / 2;
    KvsParse parsed = read(StartSelector.builder().startSelectorType(StartSelectorType.SERVER_TIMESTAMP)
        .startTimestamp(Instant.ofEpochMilli(inside)).build(), KvsParse.afterChunks(COUNT - 4));
    assertFragments(parsed, 4, COUNT - 4);
  }

  @Test
  void producerTimestampStartsWithTheChunkContainingIt() throws Exception {
    TestChunks.Fragment f = fragments.get(5);
    KvsParse parsed = read(StartSelector.builder().startSelectorType(StartSelectorType.PRODUCER_TIMESTAMP)
        .startTimestamp(Instant.ofEpochMilli(f.header().producerTimestampMillis() + 1)).build(),
        KvsParse.afterChunks(COUNT - 5));
    assertFragments(parsed, 5, COUNT - 5);
  }

  @Test
  void timestampAtAFragmentStartStartsWithThatFragment() throws Exception {
    TestChunks.Fragment f = fragments.get(3);
    KvsParse byServer = read(StartSelector.builder().startSelectorType(StartSelectorType.SERVER_TIMESTAMP)
        .startTimestamp(Instant.ofEpochMilli(f.header().serverTimestampMillis())).build(),
        KvsParse.afterChunks(COUNT - 3));
    assertFragments(byServer, 3, COUNT - 3);
    KvsParse producer = read(StartSelector.builder().startSelectorType(StartSelectorType.PRODUCER_TIMESTAMP)
        .startTimestamp(Instant.ofEpochMilli(f.header().producerTimestampMillis())).build(),
        KvsParse.afterChunks(COUNT - 3));
    assertFragments(producer, 3, COUNT - 3);
  }

  @Test
  void timestampBeforeEverythingStoredStartsWithTheEarliest() throws Exception {
    KvsParse parsed = read(StartSelector.builder().startSelectorType(StartSelectorType.SERVER_TIMESTAMP)
        .startTimestamp(Instant.ofEpochMilli(BASE - 3_600_000L)).build(), KvsParse.afterChunks(COUNT));
    assertFragments(parsed, 0, COUNT);
  }

  @Test
  void missingFieldsAreInvalidArguments() {
    assertThrows(InvalidArgumentException.class, () -> read(StartSelector.builder()
        .startSelectorType(StartSelectorType.FRAGMENT_NUMBER).build(), p -> true));
    assertThrows(InvalidArgumentException.class, () -> read(StartSelector.builder()
        .startSelectorType(StartSelectorType.SERVER_TIMESTAMP).build(), p -> true));
    assertThrows(InvalidArgumentException.class, () -> read(StartSelector.builder()
        .startSelectorType(StartSelectorType.CONTINUATION_TOKEN).continuationToken("not/valid").build(), p -> true));
  }

  @Test
  void unknownStreamIsResourceNotFound() {
    assertThrows(ResourceNotFoundException.class, () -> client.getMedia(GetMediaRequest.builder().streamName("nope")
        .startSelector(StartSelector.builder().startSelectorType(StartSelectorType.EARLIEST).build()).build(),
        ResponseTransformer.toInputStream()));
  }

  @Test
  void principalIsAskedBeforeTheStreamIsLookedUp() {
    server.policy = (action, name) -> !action.equals("GetMedia");
    try {
      assertThrows(NotAuthorizedException.class, () -> client.getMedia(GetMediaRequest.builder().streamName("nope")
          .startSelector(StartSelector.builder().startSelectorType(StartSelectorType.EARLIEST).build()).build(),
          ResponseTransformer.toInputStream()));
    } finally {
      server.policy = null;
    }
  }

  @Test
  void fourthConcurrentReaderIsRefusedAndLeavingReadersFreeTheirSlots() throws Exception {
    StreamInfo s = server.store.createStream("limited", 24);
    server.store.persist(s, fragments.get(0).header(), fragments.get(0).mkv());
    GetMediaRequest req = GetMediaRequest.builder().streamName("limited")
        .startSelector(StartSelector.builder().startSelectorType(StartSelectorType.EARLIEST).build()).build();
    List<ResponseInputStream<GetMediaResponse>> open = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        open.add(client.getMedia(req, ResponseTransformer.toInputStream()));
      }
      assertEquals(3, server.api.openGetMediaConnections(s.streamId()));
      assertThrows(ConnectionLimitExceededException.class, () -> client.getMedia(req,
          ResponseTransformer.toInputStream()));
    } finally {
      for (var in : open) {
        in.abort();
      }
    }
    Conditions.await("the aborted readers' slots are free", () -> server.api.openGetMediaConnections(s.streamId()) == 0);
    try (ResponseInputStream<GetMediaResponse> in = client.getMedia(req, ResponseTransformer.toInputStream())) {
      KvsParse parsed = KvsParse.read(in, KvsParse.afterChunks(1));
      in.abort();
      assertEquals(fragments.get(0).number().value(), parsed.chunks.get(0).number());
    }
  }

  @Test
  void storeFailureMidChunkEndsTheStreamWithAnInStreamError() throws Exception {
    StreamInfo s = server.store.createStream("failing", 24);
    // Frames padded to 300 KB: each chunk spans 23 sealed segments of 64 KB, read in ranges of 4,
    // then 16, then the rest.
    List<TestChunks.Fragment> big = TestChunks.fragments(3, BASE, 300 * 1024);
    for (TestChunks.Fragment f : big) {
      server.store.persist(s, f.header(), f.mkv());
    }
    // Damage segment 21 of fragment 1 (in its third range, read only after the first was sent):
    // the start of the chunk goes out, then the store reports an integrity failure mid-chunk.
    Path file = server.store.chunkFile(s, big.get(1).number());
    byte[] sealed = Files.readAllBytes(file);
    sealed[StreamingSeal.PREFIX_LENGTH + 21 * (StreamingSeal.SEGMENT_SIZE + StreamingSeal.TAG_BYTES) + 100] ^= 0x01;
    Files.write(file, sealed);
    KvsParse parsed;
    try (ResponseInputStream<GetMediaResponse> in = client.getMedia(
        GetMediaRequest.builder().streamName("failing")
            .startSelector(StartSelector.builder().startSelectorType(StartSelectorType.EARLIEST).build()).build(),
        ResponseTransformer.toInputStream())) {
      parsed = KvsParse.read(in, p -> false); // until the server ends the response
    }
    assertEquals(3, parsed.chunks.size());
    KvsParse.Chunk whole = parsed.chunks.get(0);
    assertTrue(whole.complete);
    assertEquals(big.get(0).frames().size(), whole.frames.size());
    for (int j = 0; j < whole.frames.size(); j++) {
      assertArrayEquals(big.get(0).frames().get(j).data(), whole.frames.get(j), "frame " + j);
    }
    assertEquals(big.get(1).number().value(), parsed.chunks.get(1).number());
    assertFalse(parsed.chunks.get(1).complete, "the broken chunk has no closing tags");
    KvsParse.Chunk error = parsed.chunks.get(2);
    assertFalse(error.metadata.isSuccess());
    assertEquals(5000, error.metadata.getErrorId());
    assertEquals(big.get(1).number().value(), error.number());
  }

  @Test
  void streamNamedByArnIsAuthorisedByTheNameInside() throws Exception {
    server.policy = (action, name) -> name.equals("stored");
    try (ResponseInputStream<GetMediaResponse> in = client.getMedia(GetMediaRequest.builder()
        .streamARN(stream.streamArn())
        .startSelector(StartSelector.builder().startSelectorType(StartSelectorType.EARLIEST).build()).build(),
        ResponseTransformer.toInputStream())) {
      KvsParse parsed = KvsParse.read(in, KvsParse.afterChunks(1));
      in.abort();
      assertEquals(fragments.get(0).number().value(), parsed.chunks.get(0).number());
    } finally {
      server.policy = null;
    }
  }
}
