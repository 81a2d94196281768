package io.vidlog.ingest;

import static io.vidlog.fragmentstore.testing.Conditions.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import io.vidlog.fragmentstore.live.LiveEvent;
import io.vidlog.fragmentstore.streams.StreamInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One producer per stream, over real sockets (README "One producer per stream", docs/wire-protocol.md §1.4 and
 * §6): of two producers on one stream one keeps streaming and the other is refused with
 * ConnectionLimitExceeded, however often it retries (no ping-pong); calls over the per-stream rate
 * get ClientLimitExceeded; a producer whose old connection went silent takes over, and the old
 * connection gets its pending PERSISTED acks before its 4000. The server's clock is moved by hand,
 * so silence and call rates are exact, whatever the machine's speed.
 */
class TakeoverIT {
  private static final Duration SILENCE = Duration.ofSeconds(5);
  private final AtomicLong clock = new AtomicLong(1_000_000_000L);
  private final ExecutorService secondProducer = Executors.newSingleThreadExecutor();
  private IngestServer server;

  @BeforeEach
  void start() throws Exception {
    server = new IngestServer(IngestConfig.DEFAULT.withConnectionRules(SILENCE, 5), null, clock::get);
  }

  @AfterEach
  void stop() throws Exception {
    secondProducer.shutdownNow();
    server.close();
  }

  private void advance(Duration d) {
    clock.addAndGet(d.toNanos());
  }

  /** A producer's attempt on its own connection: header and a fragment sent at once; the status, or the AWS error type. */
  private String tryToStream(String stream, long timecode) throws Exception {
    return secondProducer.submit(() -> {
      try (RawPutMedia p = RawPutMedia.open(server.port(), stream)) {
        p.send(new TestMkv().header(1).fragment(timecode, 1, 5, 100).bytes());
        return p.status() == 200 ? "200" : p.errorType();
      }
    }).get(30, TimeUnit.SECONDS);
  }

  private static List<JsonObject> ofType(List<JsonObject> acks, String type) {
    return acks.stream().filter(a -> type.equals(a.getString("EventType"))).toList();
  }

  @Test
  void aSecondProducerIsRefusedWhileTheFirstStreamsAndNeverDisturbsIt() throws Exception {
    StreamInfo info = server.streams.add("shared", 24);
    List<String> second = new ArrayList<>();
    List<JsonObject> acks = new ArrayList<>();
    try (RawPutMedia first = RawPutMedia.open(server.port(), "shared")) {
      first.send(new TestMkv().header(1).bytes());
      for (int i = 0; i < 6; i++) {
        first.send(new TestMkv().fragment(i * 1000L, 1, 5, 100).endOfFragment().bytes());
        assertNotNull(first.until("PERSISTED", acks), acks::toString);
        // a second producer tries once a second: within the call rate, and the first producer's
        // last byte is a second old, so it is active
        advance(Duration.ofSeconds(1));
        long asked = System.nanoTime();
        second.add(tryToStream("shared", 100_000L + i * 1000L));
        // a producer that retries a refusal at once (AWS's C SDK does) waits for each answer
        assertTrue(System.nanoTime() - asked >= IngestApi.RETRY_REFUSAL_DELAY.toNanos(), "answered before the delay");
      }
      first.finish();
      acks.addAll(first.rest());
    }
    assertEquals(Collections.nCopies(6, "ConnectionLimitExceededException"), second);
    assertEquals(List.of(), ofType(acks, "ERROR"), acks::toString);
    assertEquals(6, ofType(acks, "PERSISTED").size(), acks::toString);
    assertEquals(6, server.stores.records(info).size());
  }

  @Test
  void callsOverThePerStreamRateAreClientLimitExceeded() throws Exception {
    server.streams.add("busy", 24);
    List<String> second = new ArrayList<>();
    List<JsonObject> acks = new ArrayList<>();
    try (RawPutMedia first = RawPutMedia.open(server.port(), "busy")) {
      first.send(new TestMkv().header(1).fragment(0, 1, 5, 100).endOfFragment().bytes());
      assertNotNull(first.until("PERSISTED", acks), acks::toString);
      // the clock stands still: the first call and the next four use up 5 calls per second
      for (int i = 0; i < 6; i++) {
        second.add(tryToStream("busy", 100_000L + i * 1000L));
      }
      // a second later the bucket has room again, and the connection rule answers
      advance(Duration.ofSeconds(1));
      second.add(tryToStream("busy", 200_000L));
      first.send(new TestMkv().fragment(1000, 1, 5, 100).endOfFragment().bytes());
      assertNotNull(first.until("PERSISTED", acks), acks::toString);
      first.finish();
      acks.addAll(first.rest());
    }
    assertEquals(List.of("ConnectionLimitExceededException", "ConnectionLimitExceededException",
        "ConnectionLimitExceededException", "ConnectionLimitExceededException", "ClientLimitExceededException",
        "ClientLimitExceededException", "ConnectionLimitExceededException"), second);
    assertEquals(List.of(), ofType(acks, "ERROR"), acks::toString);
    assertEquals(2, ofType(acks, "PERSISTED").size(), acks::toString);
  }

  @Test
  void aProducerReconnectingAfterItsConnectionWentSilentTakesOver() throws Exception {
    StreamInfo info = server.streams.add("reconnect", 24);
    Supplier<List<LiveEvent>> live = () -> server.feeds.published(info.streamId());
    List<JsonObject> old = new ArrayList<>();
    try (RawPutMedia dead = RawPutMedia.open(server.port(), "reconnect")) {
      dead.send(new TestMkv().header(1).fragment(0, 1, 5, 100).endOfFragment().bytes());
      assertNotNull(dead.until("PERSISTED", old), old::toString);
      // the second fragment is received but not yet durable when the connection falls silent in
      // the middle of the third
      server.archive().holdCommits();
      dead.send(new TestMkv().fragment(1000, 1, 5, 100).endOfFragment().cluster(2000)
          .block(1, 0, true, new byte[100]).bytes());
      JsonObject received = dead.until("RECEIVED", old);
      assertNotNull(received, old::toString);
      JsonObject open = dead.until("BUFFERING", old);
      assertNotNull(open, old::toString);
      assertEquals("ConnectionLimitExceededException", tryToStream("reconnect", 3000), "still active");
      advance(SILENCE);

      // the producer reconnects: admitted, and it streams
      try (RawPutMedia fresh = RawPutMedia.open(server.port(), "reconnect")) {
        fresh.send(new TestMkv().header(1).fragment(3000, 1, 5, 100).endOfFragment().bytes());
        assertEquals(200, fresh.status());
        // the silent connection drops its cut fragment; its ERROR waits behind the second's PERSISTED
        await("the cut fragment is dropped", () -> live.get().stream().anyMatch(e ->
            e instanceof LiveEvent.FragmentAborted a && a.number().value().equals(open.getString("FragmentNumber"))));
        server.archive().releaseCommits();
        List<JsonObject> rest = dead.rest();
        old.addAll(rest);
        List<JsonObject> after = rest.stream().filter(a -> !"IDLE".equals(a.getString("EventType"))).toList();
        assertEquals(2, after.size(), old::toString);
        assertEquals("PERSISTED", after.get(0).getString("EventType"), old::toString);
        assertEquals(received.getString("FragmentNumber"), after.get(0).getString("FragmentNumber"));
        JsonObject error = after.get(1);
        assertEquals(4000, error.getInteger("ErrorId"), old::toString);
        assertEquals("CONNECTION_SUPERSEDED", error.getString("ErrorCode"));
        assertEquals(open.getString("FragmentNumber"), error.getString("FragmentNumber"));

        List<JsonObject> fromFresh = new ArrayList<>();
        assertNotNull(fresh.until("PERSISTED", fromFresh), fromFresh::toString);
        fresh.finish();
        fromFresh.addAll(fresh.rest());
        assertEquals(List.of(), ofType(fromFresh, "ERROR"), fromFresh::toString);
      }
    }
    assertEquals(List.of(0L, 1000L, 3000L), server.stored(info).stream()
        .map(c -> c.header().clusterTimecode()).toList());
    assertEquals(3, server.stores.records(info).size());
  }

  /**
   * Another node of a cluster asks for the stream ({@link IngestApi#release}): refused while the
   * producer is active, as a second connection is; once the producer went silent the connection is
   * superseded (4000 for the fragment it left open) and the stream is given up.
   */
  @Test
  void anotherNodeGetsTheStreamOnlyOnceTheProducerWentSilent() throws Exception {
    StreamInfo info = server.streams.add("moving", 24);
    List<JsonObject> acks = new ArrayList<>();
    try (RawPutMedia p = RawPutMedia.open(server.port(), "moving")) {
      p.send(new TestMkv().header(1).fragment(0, 1, 5, 100).endOfFragment().bytes());
      assertNotNull(p.until("PERSISTED", acks), acks::toString);
      p.send(new TestMkv().cluster(1000).block(1, 0, true, new byte[100]).bytes());
      JsonObject open = p.until("BUFFERING", acks);
      assertNotNull(open, acks::toString);
      assertFalse(server.api.release(info.streamId(), false), "its producer is active");
      advance(SILENCE);
      assertTrue(server.api.release(info.streamId(), false), "its producer went silent");
      List<JsonObject> errors = ofType(p.rest(), "ERROR");
      assertEquals(1, errors.size(), errors::toString);
      assertEquals(4000, errors.get(0).getInteger("ErrorId"));
      assertEquals(open.getString("FragmentNumber"), errors.get(0).getString("FragmentNumber"));
    }
    assertTrue(server.api.release(info.streamId(), false), "no connection: nothing to keep");
  }
}
