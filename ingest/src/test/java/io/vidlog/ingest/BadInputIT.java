package io.vidlog.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.fragmentstore.testing.Conditions;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Each PutMedia fragment rule broken on purpose gets its ErrorId (docs/wire-protocol.md §1.3, §1.4), the bad
 * fragment is not stored and the ones before it are; hostile clients leave the server healthy.
 */
class BadInputIT {
  private IngestServer server;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  private IngestServer server(IngestConfig config) throws Exception {
    server = new IngestServer(config);
    return server;
  }

  private static List<Integer> errorIds(Uploads.Result r) {
    return r.ofType("ERROR").stream().map(a -> a.getInteger("ErrorId")).toList();
  }

  /** Uploads, expects {@code ids} as the ERROR acks and {@code persisted} fragments stored and indexed. */
  private Uploads.Result expect(String stream, byte[] body, List<Integer> ids, int persisted) throws Exception {
    StreamInfo info = server.streams.add(stream, 24);
    Uploads.Result r = Uploads.upload(server.uri(), stream, body);
    assertEquals(200, r.status());
    assertEquals(ids, errorIds(r), () -> r.acks().toString());
    assertEquals(persisted, r.ofType("PERSISTED").size(), () -> r.acks().toString());
    assertEquals(persisted, server.stored(info).size());
    assertEquals(persisted, server.stores.records(info).size());
    return r;
  }

  private void assertHealthy() throws Exception {
    String name = "healthy-" + System.nanoTime();
    server.streams.add(name, 24);
    Uploads.Result r = Uploads.upload(server.uri(), name, Uploads.resource("ffmpeg-live-av.mkv"));
    assertEquals(4, r.ofType("PERSISTED").size(), () -> r.acks().toString());
  }

  @Test
  void fragmentTooLarge4001() throws Exception {
    server(IngestConfig.DEFAULT.withMaxFragmentBytes(3000));
    byte[] mkv = new TestMkv().header(1).fragment(0, 1, 5, 100).fragment(1000, 1, 40, 100)
        .fragment(3000, 1, 5, 100).bytes();
    Uploads.Result r = expect("big", mkv, List.of(4001), 2);
    JsonObject error = r.ofType("ERROR").get(0);
    assertEquals(1000L, error.getLong("FragmentTimecode"));
    assertEquals("MAX_FRAGMENT_SIZE_REACHED", error.getString("ErrorCode"));
  }

  @Test
  void fragmentTooLong4002() throws Exception {
    server(IngestConfig.DEFAULT);
    byte[] mkv = new TestMkv().header(1).fragment(0, 1, 2, 10).cluster(1000)
        .block(1, 0, true, new byte[10]).block(1, 10_001, false, new byte[10]).fragment(20_000, 1, 2, 10).bytes();
    expect("long", mkv, List.of(4002), 2);
  }

  @Test
  void connectionTooOld4003() throws Exception {
    server(IngestConfig.DEFAULT.withMaxConnectionDuration(Duration.ZERO));
    Uploads.Result r = expect("old", new TestMkv().header(1).fragment(0, 1, 2, 10).bytes(), List.of(4003), 0);
    assertEquals("MAX_CONNECTION_DURATION_REACHED", r.ofType("ERROR").get(0).getString("ErrorCode"));
  }

  @Test
  void timecodeNotAfterPrevious4004() throws Exception {
    server(IngestConfig.DEFAULT);
    byte[] mkv = new TestMkv().header(1).fragment(0, 1, 5, 10).fragment(100, 1, 5, 10).fragment(1000, 1, 5, 10).bytes();
    expect("order", mkv, List.of(4004), 2);
  }

  @Test
  void garbage4006EndsTheConnectionAndKeepsEarlierFragments() throws Exception {
    server(IngestConfig.DEFAULT);
    byte[] garbage = new byte[4096];
    new java.util.Random(7).nextBytes(garbage);
    garbage[0] = 0x42; // not an EBML header
    expect("garbage", garbage, List.of(4006), 0);
    byte[] mkv = new TestMkv().header(1).fragment(0, 1, 5, 10).cluster(1000).block(1, 0, true, new byte[10])
        .raw(garbage).bytes();
    expect("garbage-after", mkv, List.of(4006), 1);
    assertHealthy();
  }

  @Test
  void invalidProducerTimestamp4007() throws Exception {
    server(IngestConfig.DEFAULT);
    StreamInfo info = server.streams.add("ts", 24);
    byte[] mkv = new TestMkv().header(1).fragment(0, 1, 2, 10).fragment(10_000_000, 1, 2, 10).bytes();
    Uploads.Result r = Uploads.upload(server.uri(), Map.of("x-amzn-stream-name", "ts",
        "x-amzn-fragment-timecode-type", "RELATIVE", "x-amzn-producer-start-timestamp", "9223372036.000"),
        () -> new ByteArrayInputStream(mkv));
    assertEquals(List.of(4007), errorIds(r));
    assertEquals(1, server.stores.records(info).size());
  }

  @Test
  void streamDeletedDuringUpload4008() throws Exception {
    server(IngestConfig.DEFAULT);
    server.streams.add("doomed", 24);
    try (RawPutMedia p = RawPutMedia.open(server.port(), "doomed")) {
      p.send(new TestMkv().header(1).fragment(0, 1, 2, 10).endOfFragment().bytes());
      assertEquals(200, p.status());
      List<JsonObject> acks = new ArrayList<>();
      assertTrue(p.until("PERSISTED", acks) != null);
      server.streams.remove("doomed");
      p.send(new TestMkv().fragment(1000, 1, 2, 10).bytes());
      List<JsonObject> rest = p.rest();
      assertEquals(4008, rest.get(rest.size() - 1).getInteger("ErrorId"), rest::toString);
    }
  }

  @Test
  void metadataLimits4009() throws Exception {
    server(IngestConfig.DEFAULT);
    String[] eleven = new String[22];
    for (int i = 0; i < 11; i++) {
      eleven[2 * i] = "key" + i;
      eleven[2 * i + 1] = "v";
    }
    byte[] mkv = new TestMkv().header(1).tags(Arrays.copyOf(eleven, 20)).fragment(0, 1, 2, 10)
        .endOfFragment().tags(eleven).fragment(1000, 1, 2, 10)
        .endOfFragment().tags("AWS_CUSTOM", "x").fragment(2000, 1, 2, 10)
        .endOfFragment().tags("k", "v".repeat(257)).fragment(3000, 1, 2, 10)
        .endOfFragment().tags("n".repeat(129), "v").fragment(4000, 1, 2, 10)
        .endOfFragment().tags("ok", "fine").fragment(5000, 1, 2, 10).bytes();
    expect("meta", mkv, List.of(4009, 4009, 4009, 4009), 2);
  }

  @Test
  void unknownTrack4010MissingTrack4011TooManyTracks4012() throws Exception {
    server(IngestConfig.DEFAULT);
    byte[] unknown = new TestMkv().header(1).fragment(0, 1, 2, 10).cluster(1000).block(1, 0, true, new byte[4])
        .block(3, 1, true, new byte[4]).fragment(2000, 1, 2, 10).bytes();
    expect("t4010", unknown, List.of(4010), 2);
    byte[] missing = new TestMkv().header(2).fragment(0, 2, 2, 10).fragment(1000, 1, 2, 10).fragment(2000, 2, 2, 10)
        .bytes();
    expect("t4011", missing, List.of(4011), 2);
    expect("t4012", new TestMkv().header(4).fragment(0, 4, 2, 10).bytes(), List.of(4012), 0);
  }

  @Test
  void storageFailure5001() throws Exception {
    server(IngestConfig.DEFAULT);
    server.archive().failCommits(true);
    Uploads.Result r = expect("nostore", new TestMkv().header(1).fragment(0, 1, 2, 10).fragment(1000, 1, 2, 10).bytes(),
        List.of(5001, 5001), 0);
    assertEquals(2, r.ofType("RECEIVED").size());
  }

  @Test
  void bodyCutInTheMiddleOfAFrame() throws Exception {
    server(IngestConfig.DEFAULT);
    TestMkv two = new TestMkv().header(1).fragment(0, 1, 5, 100).fragment(1000, 1, 5, 100);
    int cut = two.length() + 120; // inside the third fragment's second frame
    byte[] whole = new TestMkv().header(1).fragment(0, 1, 5, 100).fragment(1000, 1, 5, 100).fragment(2000, 1, 5, 100)
        .bytes();
    expect("cut", Arrays.copyOf(whole, cut), List.of(4006), 2);
    assertHealthy();
  }

  @Test
  void hugeDeclaredSizes() throws Exception {
    server(IngestConfig.DEFAULT);
    // a SimpleBlock claiming 2^48 bytes, and a Tags element claiming 2^40
    byte[] block = new TestMkv().header(1).fragment(0, 1, 2, 10).cluster(1000)
        .raw(new byte[] {(byte) 0xA3, 0x01, 0x00, 0x01, 0, 0, 0, 0, 0, (byte) 0x81, 0, 0, (byte) 0x80}).bytes();
    expect("huge-block", block, List.of(4006), 1);
    byte[] tags = new TestMkv().header(1).fragment(0, 1, 2, 10).endOfFragment()
        .raw(new byte[] {0x12, 0x54, (byte) 0xC3, 0x67, 0x01, 0, 0, 0x01, 0, 0, 0, 0}).bytes();
    expect("huge-tags", tags, List.of(4006), 1);
    assertHealthy();
  }

  @Test
  void slowDripBody() throws Exception {
    server(IngestConfig.DEFAULT);
    StreamInfo info = server.streams.add("drip", 24);
    byte[] mkv = Uploads.resource("ffmpeg-live-av.mkv");
    try (RawPutMedia p = RawPutMedia.open(server.port(), "drip")) {
      for (int i = 0; i < 600; i++) {
        p.send(mkv, i, 1); // one byte per HTTP chunk through the headers and first frames
      }
      p.send(mkv, 600, mkv.length - 600);
      p.finish();
      assertEquals(200, p.status());
      List<JsonObject> acks = p.rest();
      assertEquals(4, acks.stream().filter(a -> "PERSISTED".equals(a.getString("EventType"))).count());
    }
    assertEquals(4, server.stores.records(info).size());
  }

  @Test
  void clientThatNeverReadsItsAcks() throws Exception {
    server(IngestConfig.DEFAULT);
    StreamInfo info = server.streams.add("deaf", 24);
    TestMkv many = new TestMkv().header(1);
    for (int i = 0; i < 400; i++) {
      many.fragment(i * 100L, 1, 2, 10).endOfFragment();
    }
    byte[] body = many.bytes();
    RawPutMedia deaf = new RawPutMedia(server.port(), Map.of("x-amzn-stream-name", "deaf"), 1024);
    CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> {
      try {
        for (int off = 0; off < body.length; off += 512) {
          deaf.send(body, off, Math.min(512, body.length - off));
        }
        deaf.finish();
      } catch (java.io.IOException e) {
        // the server may close a client that never reads: that is fine
      }
    });
    server.stores.awaitRecords(info, 20);
    assertHealthy();
    deaf.close();
    sender.handle((v, e) -> null).get();
    // whatever was persisted stays readable and indexed, in order; fragments received before the
    // client went away may still be committing (chunk stored, index entry next), so wait until the
    // connection has ended and no commit is in flight before comparing
    Conditions.await("the connection ended and its commits completed", () -> server.api.activeConnections() == 0
        && server.api.pendingFragments(info.streamId()) == 0);
    List<String> indexed = server.stores.records(info).stream().map(r -> r.number().value()).toList();
    assertEquals(indexed.stream().sorted().toList(), indexed);
    assertEquals(indexed.size(), server.stored(info).size());
  }

  @Test
  void replayedFragmentsOnANewConnectionAreAccepted() throws Exception {
    server(IngestConfig.DEFAULT);
    StreamInfo info = server.streams.add("replay", 24);
    byte[] mkv = Uploads.resource("ffmpeg-live-av.mkv");
    assertEquals(4, Uploads.upload(server.uri(), "replay", mkv).ofType("PERSISTED").size());
    assertEquals(4, Uploads.upload(server.uri(), "replay", mkv).ofType("PERSISTED").size());
    assertEquals(8, server.stores.records(info).size());
  }

  @Test
  void idleAcksThenTheServerCloses() throws Exception {
    server(IngestConfig.DEFAULT.withIdle(Duration.ofMillis(100), Duration.ofMillis(700)));
    StreamInfo info = server.streams.add("idle", 24);
    try (RawPutMedia p = RawPutMedia.open(server.port(), "idle")) {
      p.send(new TestMkv().header(1).fragment(0, 1, 2, 10).bytes()); // unknown-size cluster, left open
      List<JsonObject> acks = p.rest();
      List<String> types = acks.stream().map(a -> a.getString("EventType")).toList();
      assertEquals("BUFFERING", types.get(0));
      assertTrue(types.contains("IDLE"), types::toString);
      assertTrue(types.contains("PERSISTED"), types::toString); // the open fragment completes at the close
      assertFalse(types.contains("ERROR"), types::toString);
      assertNull(acks.stream().filter(a -> "IDLE".equals(a.getString("EventType"))).findFirst().get()
          .getString("FragmentNumber"));
    }
    assertEquals(1, server.stores.records(info).size());
  }
}
