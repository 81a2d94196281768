package io.vidlog.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import io.vidlog.fragmentstore.testing.Conditions;
import io.vidlog.server.keys.AdminCredentials;
import io.vidlog.server.media.KvsStream;
import io.vidlog.server.media.MediaClients;
import io.vidlog.server.support.SignedHttp;
import io.vidlog.server.support.TestServers;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.kinesisvideo.KinesisVideoClient;
import software.amazon.awssdk.services.kinesisvideo.model.APIName;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.KinesisVideoArchivedMediaClient;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.ContainerFormat;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.FragmentSelectorType;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.HLSPlaybackMode;
import software.amazon.awssdk.services.kinesisvideomedia.KinesisVideoMediaClient;
import software.amazon.awssdk.services.kinesisvideomedia.model.GetMediaResponse;
import software.amazon.awssdk.services.kinesisvideomedia.model.StartSelectorType;

/**
 * The object store goes away while a camera streams and readers read (README "Faults and soak",
 * docs/architecture.md §Object store "When the store is unreachable"): the packaged server on the
 * {@code s3} backend, s3rver in a process of its own, SIGKILLed for {@code vidlog.outage.seconds}
 * (10 s by default; {@code scripts/fault-s3-outage.sh} runs it with 60 s) and started again on the
 * same port and directory. A paced PutMedia producer reconnects whenever its connection ends; a live
 * GetMedia reader follows from NOW, and a second reader starts from EARLIEST during the outage,
 * both resuming with their continuation tokens whenever a response ends.
 *
 * <p>It checks what a user relies on: every fragment acked PERSISTED, before, during or after the
 * outage, is listed by ListFragments and read back by GetMediaForFragmentList, and nothing else is
 * listed; the fragments the store refused were answered ERROR 5001, never PERSISTED; /health says
 * 503 store DOWN during the outage and 200 UP after it; the readers miss no PERSISTED fragment and
 * see none twice; the stream keeps ingesting after the store is back with no repair, with
 * increasing fragment numbers; no spool file of a refused fragment is left in the data dir.
 *
 * <p>HLS, DASH and GetClip ({@link OutageReads}), every answer within the store's documented timeouts:
 * an ON_DEMAND HLS session (transport stream) and an ON_DEMAND DASH session over the fragments
 * stored before the outage play during it with the same bytes as before, since those fragments are
 * still in the stream's live window, which serves a segment the store cannot (GetClip, which reads
 * only the store, answers 503 ServiceUnavailable); sessions opened during the outage work from the
 * index in memory: an ON_DEMAND one over the same fragments plays the same segments, a LIVE one
 * (fMP4) lists the newest fragments and plays them from the live window. After the outage the
 * same session URLs play every segment again. The figures are printed for the record, never
 * compared with a wall-clock threshold.
 */
@Tag("interop")
class StoreOutageIT {
  private static final String STREAM = "cam-outage";
  private static final String BUCKET = "outage";

  @TempDir
  Path dir;
  private final List<AutoCloseable> cleanUp = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (int i = cleanUp.size() - 1; i >= 0; i--) {
      cleanUp.get(i).close();
    }
  }

  /** When each ack arrived relative to the outage. */
  enum Phase { BEFORE, DURING, AFTER }

  @Test
  void acksStayTruthfulReadersResumeAndTheStreamRecoversByItselfAfterTheStoreWasDown() throws Exception {
    long outageSeconds = Long.getLong("vidlog.outage.seconds", 10);
    S3rverProcess s3 = S3rverProcess.start(NodeProcess.freePort(), dir.resolve("s3rver"));
    cleanUp.add(s3);
    NodeProcess node = NodeProcess.start("outage", dir.resolve("node"), List.of(), List.of("--s3-endpoint",
        s3.endpoint(), "--s3-bucket", BUCKET, "--s3-access-key", S3rverProcess.KEY, "--s3-secret-key",
        S3rverProcess.SECRET));
    cleanUp.add(node);
    node.url();
    AdminCredentials admin = AdminCredentials.read(node.dir.resolve("data").resolve(AdminCredentials.FILE));
    URI ingest;
    try (KinesisVideoClient kvs = TestServers.client(node.url(), admin.accessKeyId(), admin.secretAccessKey())) {
      kvs.createStream(r -> r.streamName(STREAM).dataRetentionInHours(1));
      ingest = MediaClients.dataEndpoint(kvs, STREAM, APIName.PUT_MEDIA);
    }
    long from = System.currentTimeMillis() - 1_000;
    AtomicReference<Phase> phase = new AtomicReference<>(Phase.BEFORE);
    Producer producer = new Producer(ingest, admin, phase);
    cleanUp.add(producer);
    Reader live = new Reader("live", node.url(), admin, StartSelectorType.NOW);
    cleanUp.add(live);
    SignedHttp health = new SignedHttp(node.url());
    assertTrue(storeStatus(health, 200, "UP"), "the store is up at the start");
    Conditions.await("4 fragments are PERSISTED before the outage", () -> producer.persisted(Phase.BEFORE) >= 4);
    // an HLS session and GetClip over the fragments stored so far: read whole now, during the outage, after it
    OutageReads reads = new OutageReads(node.url(), admin, STREAM, Instant.ofEpochMilli(from), Instant.now());
    cleanUp.add(reads);
    List<OutageReads.Answer> hlsBefore = reads.hls();
    List<OutageReads.Answer> dashBefore = reads.dash();
    OutageReads.Answer clipBefore = reads.clip();
    assertTrue(hlsBefore.size() > 2, "the HLS session lists segments: " + hlsBefore);
    hlsBefore.forEach(OutageReads::assertPlayable);
    assertTrue(dashBefore.stream().filter(a -> a.what().startsWith("segment")).count() > 1,
        "the DASH manifest lists segments: " + dashBefore);
    dashBefore.forEach(OutageReads::assertPlayable);
    assertTrue(clipBefore.ok(), "GetClip before the outage: " + clipBefore + " " + clipBefore.text());

    long killed = System.nanoTime();
    phase.set(Phase.DURING);
    s3.kill();
    Conditions.await("/health answers 503 with the store DOWN", () -> storeStatus(health, 503, "DOWN"));
    long healthDown = System.nanoTime();
    Reader archive = new Reader("archive", node.url(), admin, StartSelectorType.EARLIEST);
    cleanUp.add(archive);
    // Players of the sessions opened before, and a GetClip caller, while the store is down: the
    // fragments are still in the live window, which serves the segments, the same bytes as before;
    // GetClip reads only the store.
    long readsFrom = System.nanoTime();
    List<OutageReads.Answer> hlsDuring = reads.hls();
    hlsDuring.forEach(OutageReads::assertPlayable);
    OutageReads.assertSameMedia(hlsBefore, hlsDuring, "the HLS session during the outage");
    List<OutageReads.Answer> dashDuring = reads.dash();
    dashDuring.forEach(OutageReads::assertPlayable);
    OutageReads.assertSameMedia(dashBefore, dashDuring, "the DASH session during the outage");
    OutageReads.Answer clipDuring = reads.clip();
    OutageReads.assertUnavailable(clipDuring);
    // Sessions opened during the outage: the index is in memory, so they open and list what it has.
    OutageReads.Answer onDemandOpened = reads.hlsSession(HLSPlaybackMode.ON_DEMAND, ContainerFormat.MPEG_TS);
    OutageReads.assertPlayable(onDemandOpened);
    List<OutageReads.Answer> onDemandDuring = reads.hls(onDemandOpened.text(Integer.MAX_VALUE));
    onDemandDuring.forEach(OutageReads::assertPlayable);
    OutageReads.assertSameMedia(hlsBefore, onDemandDuring, "an ON_DEMAND session opened during the outage");
    OutageReads.Answer liveOpened = reads.hlsSession(HLSPlaybackMode.LIVE, ContainerFormat.FRAGMENTED_MP4);
    OutageReads.assertPlayable(liveOpened);
    List<OutageReads.Answer> liveDuring = reads.hls(liveOpened.text(Integer.MAX_VALUE));
    assertTrue(liveDuring.stream().anyMatch(a -> a.what().startsWith("segment")), "the LIVE session lists the"
        + " newest fragments: " + liveDuring);
    liveDuring.forEach(OutageReads::assertPlayable);
    List<OutageReads.Answer> during = new ArrayList<>(hlsDuring);
    during.addAll(dashDuring);
    during.add(clipDuring);
    during.add(onDemandOpened);
    during.addAll(onDemandDuring);
    during.add(liveOpened);
    during.addAll(liveDuring);
    long readsNanos = System.nanoTime() - readsFrom;
    assertTrue(storeStatus(health, 503, "DOWN"), "the store was down throughout the reads");
    long outageEnd = killed + TimeUnit.SECONDS.toNanos(outageSeconds);
    while (System.nanoTime() < outageEnd) {
      // the outage lasts as long as asked; meanwhile /health must keep saying DOWN
      assertTrue(storeStatus(health, 503, "DOWN"), "/health said UP during the outage");
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
    }
    assertTrue(producer.errors.size() > 0, "the producer was answered ERROR for fragments the store could not take");
    assertTrue(archive.failedAttempts.get() > 0, "the EARLIEST reader's responses ended in errors while the store was"
        + " down: " + archive.log);

    s3.restart();
    long restarted = System.nanoTime();
    phase.set(Phase.AFTER);
    Conditions.await("/health answers 200 with the store UP", () -> storeStatus(health, 200, "UP"));
    long healthUp = System.nanoTime();
    awaitLong("4 fragments are PERSISTED after the store came back", () -> producer.persisted(Phase.AFTER) >= 4);
    long firstPersistedAfter = producer.firstPersistedAfter;
    // the same session URL plays every segment again, and the clip is whole
    List<OutageReads.Answer> hlsAfter = reads.hls();
    assertEquals(hlsBefore.stream().map(OutageReads.Answer::what).toList(),
        hlsAfter.stream().map(OutageReads.Answer::what).toList(), "the session lists the same segments as before");
    hlsAfter.forEach(OutageReads::assertPlayable);
    OutageReads.assertSameMedia(hlsBefore, hlsAfter, "the HLS session after the outage");
    List<OutageReads.Answer> dashAfter = reads.dash();
    dashAfter.forEach(OutageReads::assertPlayable);
    OutageReads.assertSameMedia(dashBefore, dashAfter, "the DASH session after the outage");
    OutageReads.assertSameMedia(hlsBefore, reads.hls(onDemandOpened.text(Integer.MAX_VALUE)),
        "the ON_DEMAND session opened during the outage, after it");
    OutageReads.Answer clipAfter = reads.clip();
    assertTrue(clipAfter.ok(), "GetClip after the outage: " + clipAfter + " " + clipAfter.text());
    assertEquals(clipBefore.body().length, clipAfter.body().length, "the clip after the outage is the one before");

    producer.close();
    List<String> persisted = producer.persistedNumbers();
    String last = persisted.get(persisted.size() - 1);
    awaitLong("the live reader reached the last PERSISTED fragment", () -> live.reached(last));
    awaitLong("the EARLIEST reader reached the last PERSISTED fragment", () -> archive.reached(last));
    live.close();
    archive.close();
    // every fragment is final (PERSISTED or 5001): the spool files of those the store refused are gone too
    assertEquals(List.of(), DataDirLeftovers.in(node.dir.resolve("data")), "files left in the data dir");

    assertEquals(List.of(), producer.failures, "every PutMedia connection was admitted and ended normally, also"
        + " during the outage");
    List<BigInteger> values = persisted.stream().map(BigInteger::new).toList();
    assertEquals(values.stream().sorted().toList(), values, "fragment numbers increase in ack order");
    assertEquals(persisted.size(), new HashSet<>(persisted).size(), "no fragment number is acked twice");
    Set<String> refused = new TreeSet<>();
    for (JsonObject e : producer.errors) {
      assertEquals(5001, e.getInteger("ErrorId"), "a store failure is ARCHIVAL_ERROR: " + e.encode());
      refused.add(e.getString("FragmentNumber"));
    }
    for (String n : refused) {
      assertFalse(persisted.contains(n), "fragment " + n + " was answered both PERSISTED and ERROR");
    }
    try (KinesisVideoArchivedMediaClient archived = MediaClients.archived(node.url(), admin.accessKeyId(),
        admin.secretAccessKey())) {
      List<String> listed = ClusterIT.listed(archived, STREAM, from);
      assertEquals(persisted, listed, "ListFragments lists exactly the fragments acked PERSISTED");
      KvsStream read = KvsStream.read(archived.getMediaForFragmentList(r -> r.streamName(STREAM).fragments(persisted)));
      assertEquals(persisted, read.chunks.stream().map(KvsStream.Chunk::number).toList(),
          "every PERSISTED fragment reads back");
      assertTrue(read.chunks.stream().allMatch(c -> !c.frames.isEmpty()), "each with its frames");
    }
    live.assertSawInOrder(persisted);
    archive.assertSawInOrder(persisted);

    // A restarted server rebuilds the stream's index from the store alone. It lists every PERSISTED
    // fragment; the only others it may list are fragments answered 5001 whose upload the store did
    // keep (the server died after storing it, before it answered), and every fragment it lists reads.
    assertEquals(0, node.exitCode(true), "the server stops cleanly");
    NodeProcess again = node.restart();
    cleanUp.add(again);
    List<String> rebuilt;
    try (KinesisVideoArchivedMediaClient archived = MediaClients.archived(again.url(), admin.accessKeyId(),
        admin.secretAccessKey())) {
      rebuilt = ClusterIT.listed(archived, STREAM, from);
      assertTrue(rebuilt.containsAll(persisted), "the rebuilt index lists every PERSISTED fragment: " + rebuilt);
      List<String> extra = rebuilt.stream().filter(n -> !persisted.contains(n)).toList();
      assertTrue(refused.containsAll(extra), "the rebuilt index lists only PERSISTED fragments and fragments"
          + " answered 5001: " + extra);
      KvsStream read = KvsStream.read(archived.getMediaForFragmentList(r -> r.streamName(STREAM).fragments(rebuilt)));
      assertEquals(rebuilt, read.chunks.stream().map(KvsStream.Chunk::number).toList(),
          "every fragment the rebuilt index lists reads back");
    }

    System.err.printf("store outage: %d s outage (s3rver SIGKILLed, restarted on the same port and directory);"
        + " PERSISTED before %d, during %d, after %d; ERROR 5001 acks %d; producer connections %d;"
        + " /health DOWN %d ms after the kill, UP %d ms after the restart; first PERSISTED %d ms after the restart;"
        + " live reader: %d fragments, %d responses; EARLIEST reader: %d fragments, %d responses (%d ended by an"
        + " error or failed); after a restart the rebuilt index lists %d fragments%n",
        TimeUnit.NANOSECONDS.toSeconds(restarted - killed), producer.persisted(Phase.BEFORE),
        producer.persisted(Phase.DURING), producer.persisted(Phase.AFTER), producer.errors.size(),
        producer.connections.get(), TimeUnit.NANOSECONDS.toMillis(healthDown - killed),
        TimeUnit.NANOSECONDS.toMillis(healthUp - restarted),
        TimeUnit.NANOSECONDS.toMillis(firstPersistedAfter - restarted), live.numbers.size(), live.attempts.get(),
        archive.numbers.size(), archive.attempts.get(), archive.failedAttempts.get(), rebuilt.size());
    System.err.println("store outage: HLS and DASH sessions and GetClip during the outage (" + during.size()
        + " calls in " + TimeUnit.NANOSECONDS.toMillis(readsNanos) + " ms): " + during);
    System.err.println("store outage: producer connections that failed: " + producer.failures);
    System.err.println("store outage: live reader's responses: " + live.log);
  }

  /**
   * True when /health answers {@code status} with the store's status {@code store}. One client for
   * every poll: a client per poll would keep a connection open each, and a long outage's polls would
   * reach the server's connections-per-address limit and refuse the producer.
   */
  private static boolean storeStatus(SignedHttp health, int status, String store) {
    try {
      var r = health.unsigned("GET", "/health", null, Map.of());
      return r.statusCode() == status
          && store.equals(new JsonObject(r.body()).getJsonObject("store").getString("status"));
    } catch (Exception e) {
      return false;
    }
  }

  /** As {@link Conditions#await}, with room for a store that restarts under a loaded machine. */
  private static void awaitLong(String what, java.util.function.BooleanSupplier condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(20); // between polls of the condition, not a window the test relies on
    }
  }

  /**
   * A camera: the fixture (four 1 s fragments) sent at its own pace on one PutMedia connection, a
   * new connection whenever one ends (as the KVS producers do after a 5xx ERROR or a broken connection).
   */
  private static final class Producer implements AutoCloseable {
    final List<JsonObject> errors = new CopyOnWriteArrayList<>();
    final AtomicInteger connections = new AtomicInteger();
    /** Why connections failed (the first 20), for the record. */
    final List<String> failures = new CopyOnWriteArrayList<>();
    private final List<String> persisted = new CopyOnWriteArrayList<>();
    private final List<Phase> phases = new CopyOnWriteArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;
    volatile long firstPersistedAfter;

    Producer(URI ingest, AdminCredentials admin, AtomicReference<Phase> phase) throws Exception {
      byte[] mkv = MediaClients.resource("ffmpeg-live-av.mkv");
      thread = new Thread(() -> {
        while (running.get()) {
          connections.incrementAndGet();
          try {
            MediaClients.putMediaPaced(ingest, admin, STREAM, mkv, 1, line -> {
              JsonObject ack = new JsonObject(line);
              if ("PERSISTED".equals(ack.getString("EventType"))) {
                Phase p = phase.get();
                if (p == Phase.AFTER && firstPersistedAfter == 0) {
                  firstPersistedAfter = System.nanoTime();
                }
                persisted.add(ack.getString("FragmentNumber"));
                phases.add(p);
              } else if ("ERROR".equals(ack.getString("EventType"))) {
                errors.add(ack);
              }
            });
          } catch (Exception | AssertionError e) {
            if (failures.size() < 20) {
              failures.add(String.valueOf(e));
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200)); // a producer's back-off before it calls again
          }
        }
      }, "producer");
      thread.start();
    }

    int persisted(Phase p) {
      return (int) phases.stream().filter(p::equals).count();
    }

    List<String> persistedNumbers() {
      return List.copyOf(persisted);
    }

    /** Lets the current connection finish (every fragment it sent gets its final ack), then stops. */
    @Override
    public void close() throws InterruptedException {
      running.set(false);
      thread.join(60_000);
      assertFalse(thread.isAlive(), "the producer's last connection ended");
    }
  }

  /**
   * A GetMedia reader (AWS SDK v2 and the KVS parser library) that calls again whenever a response
   * ends, cleanly or with an error, from its last continuation token (the number of the last
   * fragment it read whole, docs/wire-protocol.md §2 "Continuation tokens").
   */
  private static final class Reader implements AutoCloseable {
    final List<String> numbers = new CopyOnWriteArrayList<>();
    final List<String> log = new CopyOnWriteArrayList<>();
    final AtomicInteger attempts = new AtomicInteger();
    final AtomicInteger failedAttempts = new AtomicInteger();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicReference<ResponseInputStream<GetMediaResponse>> body = new AtomicReference<>();
    private final Thread thread;

    Reader(String name, URI url, AdminCredentials admin, StartSelectorType first) {
      KinesisVideoMediaClient media = MediaClients.media(url, admin.accessKeyId(), admin.secretAccessKey());
      thread = new Thread(() -> {
        try (media) {
          while (running.get()) {
            attempts.incrementAndGet();
            String token = numbers.isEmpty() ? null : numbers.get(numbers.size() - 1);
            int before = numbers.size();
            try (ResponseInputStream<GetMediaResponse> in = media.getMedia(r -> r.streamName(STREAM).startSelector(s -> {
                  if (token == null) {
                    s.startSelectorType(first);
                  } else {
                    s.startSelectorType(StartSelectorType.CONTINUATION_TOKEN).continuationToken(token);
                  }
                }))) {
              body.set(in);
              KvsStream read = KvsStream.read(in, k -> !running.get(), c -> numbers.add(c.number()));
              boolean error = read.chunks.size() > read.completeChunks().size() || read.frames.isEmpty();
              log.add("response from " + token + ": " + (numbers.size() - before) + " fragments, then "
                  + (error ? "an error or nothing" : "a clean end"));
              if (error) {
                failedAttempts.incrementAndGet();
              }
            } catch (Exception e) {
              failedAttempts.incrementAndGet();
              log.add("response from " + token + " failed: " + e);
            }
            if (running.get()) {
              LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200)); // a reader's back-off before it calls again
            }
          }
        }
      }, "reader-" + name);
      thread.setDaemon(true);
      thread.start();
    }

    boolean reached(String number) {
      return numbers.stream().anyMatch(n -> new BigInteger(n).compareTo(new BigInteger(number)) >= 0);
    }

    /**
     * Every PERSISTED fragment from the first this reader saw on, in order, none twice. A live
     * reader may also have seen fragments the store then refused (they were live before the
     * store failed them); those are never in {@code persisted}.
     */
    void assertSawInOrder(List<String> persisted) {
      List<String> seen = List.copyOf(numbers);
      assertFalse(seen.isEmpty(), "the reader read fragments: " + log);
      List<BigInteger> values = seen.stream().map(BigInteger::new).toList();
      assertEquals(values.stream().sorted().distinct().toList(), values, "the reader saw increasing numbers, none"
          + " twice: " + log);
      BigInteger first = values.get(0);
      List<String> expected = persisted.stream().filter(n -> new BigInteger(n).compareTo(first) >= 0).toList();
      List<String> missing = expected.stream().filter(n -> !seen.contains(n)).toList();
      assertEquals(List.of(), missing, "PERSISTED fragments the reader missed; its responses: " + log);
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      ResponseInputStream<GetMediaResponse> in = body.get();
      if (in != null) {
        in.abort();
      }
      thread.join(10_000);
    }
  }
}
