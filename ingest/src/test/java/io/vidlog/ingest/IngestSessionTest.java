package io.vidlog.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.netty.buffer.ByteBuf;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.json.JsonObject;
import io.vidlog.fragmentstore.FragmentNumbers;
import io.vidlog.fragmentstore.live.LiveEvent;
import io.vidlog.fragmentstore.live.LiveFeedConfig;
import io.vidlog.fragmentstore.live.MemoryLiveFeeds;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.fragmentstore.testing.MemoryArchive;
import io.vidlog.fragmentstore.testing.RecordingFeeds;
import io.vidlog.fragmentstore.testing.TestStores;
import io.vidlog.kvs.StreamRef;
import io.vidlog.ingest.IngestSession.Phase;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The PutMedia session's state machine driven through each transition with a fake exchange, an
 * in-memory store and a clock moved by hand: no sockets. The Vert.x timer is set to hours so that
 * only the test ticks.
 */
class IngestSessionTest {
  private static final IngestConfig CONFIG = IngestConfig.DEFAULT.withIdle(Duration.ofHours(1), Duration.ofHours(2));
  private static final long SILENCE = Duration.ofSeconds(5).toNanos();
  private static final byte[] HEADER = new TestMkv().header(1).bytes();

  private final Vertx vertx = Vertx.vertx();
  private final Context context = vertx.getOrCreateContext();
  private final AtomicLong clock = new AtomicLong(1_000_000_000L);
  private final TestStores stores;
  private final MemoryArchive archive;
  private final RecordingFeeds feeds = new RecordingFeeds(new MemoryLiveFeeds(vertx, LiveFeedConfig.DEFAULT));
  private final FakeExchange exchange = new FakeExchange();
  private final List<String> parser = new ArrayList<>();
  /** When set, the body parser's end waits for it (as a spooled MP4 upload's demux does). */
  private Promise<Void> heldEnd;
  private int finished;
  private StreamInfo stream;
  private IngestSession session;

  IngestSessionTest() throws Exception {
    stores = TestStores.inMemory(vertx);
    archive = stores.memoryArchive();
  }

  @AfterEach
  void close() throws Exception {
    IngestServer.await(vertx.close());
  }

  private static byte[] fragment(long timecode) {
    return new TestMkv().fragment(timecode, 1, 5, 100).endOfFragment().bytes();
  }

  /** A fragment whose Cluster is open (unknown size, no end-of-fragment yet). */
  private static byte[] openFragment(long timecode) {
    return new TestMkv().cluster(timecode).block(1, 0, true, new byte[100]).bytes();
  }

  private <T> T on(Callable<T> step) throws Exception {
    CompletableFuture<T> done = new CompletableFuture<>();
    context.runOnContext(v -> {
      try {
        done.complete(step.call());
      } catch (Throwable e) {
        done.completeExceptionally(e);
      }
    });
    try {
      return done.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  private void run(Runnable step) throws Exception {
    on(() -> {
      step.run();
      return null;
    });
  }

  /** Waits on the context until {@code condition} holds (store completions arrive asynchronously). */
  private void await(String what, BooleanSupplier condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!on(condition::getAsBoolean)) {
      if (System.nanoTime() > deadline) {
        fail("timed out waiting until " + what + "; acks " + exchange.acks);
      }
      Thread.sleep(5);
    }
  }

  private Phase phase() throws Exception {
    return on(() -> session.phase());
  }

  private List<String> acks() throws Exception {
    return on(exchange::types);
  }

  private List<JsonObject> ackObjects() throws Exception {
    return on(() -> List.copyOf(exchange.acks));
  }

  private final List<Long> persistedNanos = new java.util.concurrent.CopyOnWriteArrayList<>();

  private IngestSession start(IngestConfig config, int retentionHours) throws Exception {
    stream = stores.createStream("s", retentionHours);
    FragmentSequencer sequencer = new FragmentSequencer(stores.index, new FragmentNumbers(1));
    BodyParser.Factory mkv = tracked(BodyParsers.mkv(config, new IngestBuffers(config.buffers())));
    IngestSession.Deps deps = new IngestSession.Deps(vertx, config, archive, feeds.feed(stream.streamId()), sequencer,
        mkv, mkv, clock::get, () -> 1_700_000_000_000L, persistedNanos::add, new StoreFailureLog(clock::get));
    PutMediaHeaders headers = new PutMediaHeaders(StreamRef.byName("s"), TimecodeType.RELATIVE, 1_700_000_000_000L,
        true);
    session = new IngestSession(deps, context, exchange, stream, headers);
    assertEquals(Phase.NEW, session.phase());
    run(() -> session.start(() -> finished++));
    return session;
  }

  /** The real MKV parser, recording when it is closed and optionally holding its end. */
  private BodyParser.Factory tracked(BodyParser.Factory real) {
    return (handler, ctx, onProgress, stalled) -> {
      BodyParser p = real.create(handler, ctx, onProgress, stalled);
      return new BodyParser() {
        @Override
        public void feed(ByteBuffer bytes) {
          p.feed(bytes);
        }

        @Override
        public Future<Void> end() {
          return heldEnd == null ? p.end() : heldEnd.future().compose(v -> p.end());
        }

        @Override
        public void close() {
          parser.add("closed in " + session.phase());
          p.close();
        }
      };
    };
  }

  @Test
  void phasesOnlyMoveForward() {
    Map<Phase, Set<Phase>> allowed = Map.of(
        Phase.NEW, EnumSet.of(Phase.STREAMING),
        Phase.STREAMING, EnumSet.of(Phase.ENDING, Phase.DRAINING),
        Phase.ENDING, EnumSet.of(Phase.DRAINING),
        Phase.DRAINING, EnumSet.of(Phase.FINISHED),
        Phase.FINISHED, EnumSet.noneOf(Phase.class));
    for (Phase from : Phase.values()) {
      for (Phase to : Phase.values()) {
        assertEquals(allowed.get(from).contains(to), from.canMoveTo(to), from + " → " + to);
      }
    }
  }

  @Test
  void aSessionCannotStartTwice() throws Exception {
    start(CONFIG, 24);
    assertThrows(IllegalStateException.class, () -> on(() -> {
      session.start(() -> { });
      return null;
    }));
  }

  @Test
  void aBodyThatEndsGoesThroughEndingAndDrainingToFinished() throws Exception {
    start(CONFIG, 24);
    assertEquals(Phase.STREAMING, phase());
    assertTrue(on(() -> exchange.started && !exchange.paused), "the 200 is out and the body is read");
    run(() -> exchange.send(HEADER));
    run(() -> exchange.send(fragment(0)));
    await("the first fragment is persisted", () -> exchange.types().contains("PERSISTED"));

    heldEnd = Promise.promise();
    archive.holdCommits();
    run(() -> exchange.send(openFragment(1000)));
    run(exchange::endBody);
    assertEquals(Phase.ENDING, phase(), "the parser still delivers what it holds");
    assertTrue(on(() -> exchange.paused), "no input is read while ending");
    run(() -> heldEnd.complete());
    assertEquals(Phase.DRAINING, phase(), "the last fragment is received, not yet durable");
    assertEquals(List.of("closed in DRAINING"), parser, "the parser is released before the last ack");
    assertEquals(List.of("BUFFERING", "RECEIVED", "PERSISTED", "BUFFERING", "RECEIVED"), acks());
    assertEquals(0, finished);

    archive.releaseCommits();
    await("finished", () -> session.phase() == Phase.FINISHED);
    assertEquals(List.of("BUFFERING", "RECEIVED", "PERSISTED", "BUFFERING", "RECEIVED", "PERSISTED"), acks());
    assertTrue(on(() -> exchange.ended));
    assertFalse(on(() -> exchange.discarded), "the body had ended: nothing to discard");
    assertEquals(1, finished);
    assertEquals(List.of("closed in DRAINING"), parser);
  }

  @Test
  void invalidMediaDrainsAndItsErrorFollowsTheEarlierFragmentsPersistedAck() throws Exception {
    start(CONFIG, 24);
    archive.holdCommits();
    run(() -> exchange.send(HEADER));
    run(() -> exchange.send(fragment(0)));
    run(() -> exchange.send(new byte[] {0x1A, 0x45, (byte) 0xDF})); // an EBML header cut short…
    run(() -> exchange.send(new byte[] {0x00, (byte) 0xFF})); // …and not one after all
    assertEquals(Phase.DRAINING, phase());
    assertEquals(List.of("closed in DRAINING"), parser);
    assertEquals(List.of("BUFFERING", "RECEIVED"), acks(), "the 4006 waits for the PERSISTED before it");

    archive.releaseCommits();
    await("finished", () -> session.phase() == Phase.FINISHED);
    List<JsonObject> acks = ackObjects();
    assertEquals(List.of("BUFFERING", "RECEIVED", "PERSISTED", "ERROR"), acks());
    assertEquals(4006, acks.get(3).getInteger("ErrorId"));
    assertTrue(on(() -> exchange.discarded), "the rest of the body is read and dropped before the close");
  }

  @Test
  void aSilentSessionIsSupersededAfterItsPendingAcks() throws Exception {
    start(CONFIG, 24);
    run(() -> exchange.send(HEADER));
    archive.holdCommits();
    run(() -> exchange.send(fragment(0)));
    run(() -> exchange.send(openFragment(1000)));
    assertTrue(session.producerActive(SILENCE));
    clock.addAndGet(SILENCE - 1);
    assertTrue(session.producerActive(SILENCE), "silent for less than the threshold");
    clock.addAndGet(1);
    assertFalse(session.producerActive(SILENCE), "silent for the threshold");

    run(session::supersede);
    assertEquals(Phase.DRAINING, phase());
    assertEquals(List.of("closed in DRAINING"), parser, "a superseded session releases its parser at once");
    assertEquals(List.of("BUFFERING", "RECEIVED", "BUFFERING"), acks());
    assertTrue(feeds.published(stream.streamId()).stream().anyMatch(e -> e instanceof LiveEvent.FragmentAborted));

    archive.releaseCommits();
    await("finished", () -> session.phase() == Phase.FINISHED);
    List<JsonObject> acks = ackObjects();
    assertEquals(List.of("BUFFERING", "RECEIVED", "BUFFERING", "PERSISTED", "ERROR"), acks());
    assertEquals(4000, acks.get(4).getInteger("ErrorId"));
    assertEquals("CONNECTION_SUPERSEDED", acks.get(4).getString("ErrorCode"));
    assertEquals(acks.get(2).getString("FragmentNumber"), acks.get(4).getString("FragmentNumber"),
        "the fragment cut short is the one refused");
    assertEquals(1, archive.chunksOf(stream).size());
  }

  @Test
  void aSessionThatNoLongerReadsInputIsNeitherActiveNorSuperseded() throws Exception {
    start(CONFIG, 24);
    run(() -> exchange.send(HEADER));
    archive.holdCommits();
    run(() -> exchange.send(fragment(0)));
    run(exchange::endBody);
    assertEquals(Phase.DRAINING, phase());
    assertFalse(session.producerActive(SILENCE), "draining its last acks: a newcomer may take the stream");
    run(session::supersede);
    archive.releaseCommits();
    await("finished", () -> session.phase() == Phase.FINISHED);
    assertEquals(List.of("BUFFERING", "RECEIVED", "PERSISTED"), acks(), "no 4000 for a session that ended on its own");
  }

  @Test
  void timeHeldForTheStoreIsNotSilence() throws Exception {
    start(CONFIG.withMaxPendingCommits(1), 24);
    run(() -> exchange.send(HEADER));
    archive.holdCommits();
    run(() -> exchange.send(fragment(0)));
    assertTrue(on(() -> exchange.paused), "one commit pending of one allowed: the request is paused");
    clock.addAndGet(10 * SILENCE);
    assertTrue(session.producerActive(SILENCE), "the producer waits for us");
    run(session::tick);
    assertEquals(List.of("BUFFERING", "RECEIVED"), acks(), "no IDLE ack while we hold the request");

    archive.releaseCommits();
    await("resumed", () -> !exchange.paused);
    clock.addAndGet(SILENCE - 1);
    assertTrue(session.producerActive(SILENCE), "silence counts from the resume");
    clock.addAndGet(1);
    assertFalse(session.producerActive(SILENCE));
  }

  @Test
  void idleTicksSendIdleAcksThenEndTheBody() throws Exception {
    start(CONFIG, 24);
    run(() -> exchange.send(HEADER));
    run(() -> exchange.send(openFragment(0)));
    run(session::tick);
    assertEquals(List.of("BUFFERING"), acks());
    clock.addAndGet(CONFIG.idleAckPeriod().toNanos());
    run(session::tick);
    assertEquals(List.of("BUFFERING", "IDLE"), acks());
    clock.addAndGet(CONFIG.idleTimeout().toNanos());
    run(session::tick);
    await("finished", () -> session.phase() == Phase.FINISHED);
    assertEquals(List.of("BUFFERING", "IDLE", "RECEIVED", "PERSISTED"), acks(),
        "at the idle close the open fragment's whole frames complete it");
    assertTrue(on(() -> exchange.discarded));
  }

  @Test
  void aClientGoneMidFragmentDropsItAndDrains() throws Exception {
    start(CONFIG, 24);
    run(() -> exchange.send(HEADER));
    archive.holdCommits();
    run(() -> exchange.send(fragment(0)));
    run(() -> exchange.send(openFragment(1000)));
    run(exchange::goAway);
    assertEquals(Phase.DRAINING, phase());
    assertEquals(List.of("closed in DRAINING"), parser);
    assertEquals(1, archive.aborted(), "the cut fragment's chunk is aborted");
    archive.releaseCommits();
    await("finished", () -> session.phase() == Phase.FINISHED);
    assertEquals(List.of("BUFFERING", "RECEIVED", "BUFFERING"), acks(), "nothing is written to a gone client");
    assertEquals(1, archive.chunksOf(stream).size(), "the fragment received before stays");
  }

  @Test
  void aDeletedStreamRefusesTheNextFragmentWith4008() throws Exception {
    start(CONFIG, 24);
    run(() -> exchange.send(HEADER));
    run(() -> exchange.send(fragment(0)));
    run(session::streamDeleted);
    run(() -> exchange.send(fragment(1000)));
    await("finished", () -> session.phase() == Phase.FINISHED);
    List<JsonObject> acks = ackObjects();
    assertEquals(List.of("BUFFERING", "RECEIVED", "PERSISTED", "ERROR"), acks());
    assertEquals(4008, acks.get(3).getInteger("ErrorId"));
  }

  @Test
  void aClientThatDoesNotReadItsAcksIsPausedUntilItDoes() throws Exception {
    start(CONFIG, 24);
    run(() -> exchange.full = true);
    run(() -> exchange.send(HEADER));
    assertTrue(on(() -> exchange.paused));
    clock.addAndGet(SILENCE);
    assertFalse(session.producerActive(SILENCE), "a client that reads no acks counts as silent");
    run(exchange::drain);
    assertFalse(on(() -> exchange.paused));
  }

  @Test
  void retentionZeroFragmentsAreReceivedNotPersisted() throws Exception {
    start(CONFIG, 0);
    run(() -> exchange.send(HEADER));
    run(() -> exchange.send(fragment(0)));
    run(exchange::endBody);
    assertEquals(Phase.FINISHED, phase(), "nothing to wait for");
    assertEquals(List.of("BUFFERING", "RECEIVED"), acks());
    assertTrue(archive.chunksOf(stream).isEmpty());
    assertEquals(List.of(), persistedNanos, "no persist time for what is not persisted");
  }

  @Test
  void eachPersistedFragmentReportsTheTimeFromItsCloseToItsDurableCommit() throws Exception {
    start(CONFIG, 24);
    run(() -> exchange.send(HEADER));
    archive.holdCommits();
    run(() -> exchange.send(fragment(0)));
    run(() -> exchange.send(openFragment(1000))); // fragment 0 is complete when the next begins
    clock.addAndGet(250_000_000L);
    assertEquals(List.of(), persistedNanos, "not durable yet");
    archive.releaseCommits();
    await("fragment 0 is persisted", () -> exchange.types().contains("PERSISTED"));
    await("its persist time is reported", () -> persistedNanos.size() == 1);
    assertEquals(List.of(250_000_000L), persistedNanos);
  }

  /** The live feed's frames of the stream, in order. */
  private List<LiveEvent.Frame> publishedFrames() {
    return feeds.published(stream.streamId()).stream().filter(e -> e instanceof LiveEvent.Frame)
        .map(e -> (LiveEvent.Frame) e).toList();
  }

  @Test
  void framesInsideOneReceivedBufferAreReferencedNotCopied() throws Exception {
    start(CONFIG, 24);
    run(() -> exchange.send(HEADER));
    byte[] body = fragment(0);
    run(() -> exchange.send(body));
    await("the fragment is persisted", () -> exchange.types().contains("PERSISTED"));
    List<LiveEvent.Frame> frames = publishedFrames();
    assertEquals(5, frames.size());
    for (int i = 0; i < frames.size(); i++) {
      ByteBuf b = ((BufferInternal) frames.get(i).payload()).getByteBuf();
      assertTrue(b.hasArray() && b.array() == body, "frame " + i + " is a view of the buffer it arrived in");
      assertArrayEquals(TestMkv.payload(0, 1, i, 100), frames.get(i).payload().getBytes());
    }
  }

  @Test
  void framesSplitAcrossReceivedBuffersReferenceEachBufferNotACopy() throws Exception {
    start(CONFIG, 24);
    run(() -> exchange.send(HEADER));
    byte[] body = fragment(0);
    List<byte[]> received = new ArrayList<>();
    for (int at = 0; at < body.length; at += 7) {
      byte[] piece = Arrays.copyOfRange(body, at, Math.min(body.length, at + 7));
      received.add(piece);
      run(() -> exchange.send(piece));
    }
    await("the fragment is persisted", () -> exchange.types().contains("PERSISTED"));
    List<LiveEvent.Frame> frames = publishedFrames();
    assertEquals(5, frames.size());
    for (int i = 0; i < frames.size(); i++) {
      ByteBuf b = ((BufferInternal) frames.get(i).payload()).getByteBuf();
      assertArrayEquals(TestMkv.payload(0, 1, i, 100), frames.get(i).payload().getBytes(), "frame " + i);
      // every byte of the frame is still in the array it was received in: no copy was made
      ByteBuffer[] views = b.nioBuffers();
      assertTrue(views.length > 1, "frame " + i + " spans several received buffers");
      for (ByteBuffer v : views) {
        assertTrue(v.hasArray() && received.stream().anyMatch(r -> r == v.array()),
            "frame " + i + ": a piece of " + v.remaining() + " bytes lies in a buffer that was not received");
      }
    }
  }
}
