package io.vidlog.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.fragmentstore.testing.Conditions;
import io.vidlog.producer.testing.FakeKvs;
import io.vidlog.producer.testing.Recorder;
import io.vidlog.producer.testing.SyntheticH264;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A service that answers garbage acks, 500s, 404s or nothing at all: the producer reports a clear error
 * of the right kind, keeps trying when trying can help and stops when it cannot, its buffer stays within
 * its limits, and once closed it leaves no thread and no connection behind.
 */
class MisbehavingServiceTest {
  static final int FRAME = 20_000;
  static final int GOP = 25;
  static final long BUFFER = 1024 * 1024;

  final Recorder recorder = new Recorder();
  final List<ProducerError> errors = recorder.errors;
  final List<DroppedFragment> drops = recorder.drops;

  ProducerConfig.Builder config(String stream) {
    return ProducerConfig.builder(stream).track(TrackConfig.h264(1))
        .staleTimeout(Duration.ofSeconds(1)).backoff(Duration.ofMillis(50), Duration.ofMillis(200))
        .bufferBytes(BUFFER).closeTimeout(Duration.ofSeconds(1)).listener(recorder);
  }

  static VidlogClient client(FakeKvs kvs) {
    return VidlogClient.builder().endpoint(kvs.url()).region("us-east-1")
        .credentials(CredentialsProvider.of("AKIDFAKE", "secret")).build();
  }

  /** Puts {@code n} frames as fast as they are taken; returns the largest buffer seen. */
  static long put(StreamProducer p, int n) {
    Instant t0 = Instant.ofEpochMilli(System.currentTimeMillis());
    long max = 0;
    for (int i = 0; i < n; i++) {
      Instant pts = t0.plusMillis(40L * i);
      p.putFrame(1, pts, pts, i % GOP == 0, SyntheticH264.frame(i % GOP == 0, "m" + i, FRAME));
      max = Math.max(max, p.stats().buffer().bytes());
    }
    return max;
  }

  static List<String> threadsOf(String stream) {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
        .filter(n -> n.startsWith("vidlog-producer-" + stream + "-")).toList();
  }

  void awaitError(ProducerError.Kind kind, String text) throws InterruptedException {
    Conditions.await("a " + kind + " error saying '" + text + "' in " + errors,
        () -> errors.stream().anyMatch(e -> e.kind() == kind && e.message().contains(text)));
  }

  void assertNothingLeftBehind(String stream, FakeKvs kvs) throws InterruptedException {
    Conditions.await("no thread of the producer of " + stream + " left: " + threadsOf(stream),
        () -> threadsOf(stream).isEmpty());
    Conditions.await("the fake service's connections closed", () -> kvs.openConnections() == 0);
  }

  @Test
  void garbageAcksAreAProtocolErrorAndTheProducerReconnectsWithinBoundedMemory() throws Exception {
    try (FakeKvs kvs = new FakeKvs(FakeKvs.PutMedia.GARBAGE_ACKS); VidlogClient client = client(kvs)) {
      StreamProducer p = client.producer(config("garbage").build());
      long max = put(p, 300);
      awaitError(ProducerError.Kind.PROTOCOL, "502 Bad Gateway");
      Conditions.await("reconnects", () -> kvs.putMediaCalls.get() >= 3);
      assertTrue(errors.stream().allMatch(ProducerError::retriable), errors::toString);
      assertBounded(max);
      p.close();
      assertTrue(drops.stream().anyMatch(d -> d.reason() == DroppedFragment.Reason.CLOSED), drops::toString);
      assertThrows(ProducerClosedException.class, () -> put(p, 1));
      assertNothingLeftBehind("garbage", kvs);
    }
  }

  @Test
  void a500IsRetriedAndReportedWithTheServicesErrorTypeMessageAndRequestId() throws Exception {
    try (FakeKvs kvs = new FakeKvs(FakeKvs.PutMedia.ERROR_500); VidlogClient client = client(kvs)) {
      StreamProducer p = client.producer(config("five-hundred").build());
      put(p, 60);
      awaitError(ProducerError.Kind.SERVICE, "InternalFailure (HTTP 500): boom [request id fake-1]");
      Conditions.await("retries", () -> kvs.putMediaCalls.get() >= 3);
      assertTrue(p.isOpen());
      p.abort();
      assertNothingLeftBehind("five-hundred", kvs);
    }
  }

  @Test
  void aRefusalRetryingCannotFixEndsTheProducer() throws Exception {
    try (FakeKvs kvs = new FakeKvs(FakeKvs.PutMedia.NOT_FOUND); VidlogClient client = client(kvs)) {
      StreamProducer p = client.producer(config("not-found").build());
      // one key frame makes the producer connect, and the refusal may end it at once: no further frame is
      // put before the refusal has been seen (putting more would race with it)
      put(p, 1);
      awaitError(ProducerError.Kind.SERVICE, "ResourceNotFoundException (HTTP 404): The stream fake does not exist");
      assertTrue(errors.stream().noneMatch(ProducerError::retriable), errors::toString);
      Conditions.await("the producer is closed", () -> !p.isOpen());
      ProducerClosedException e = assertThrows(ProducerClosedException.class, () -> put(p, 1));
      assertTrue(e.getMessage().contains("ResourceNotFoundException"), e.getMessage());
      assertEquals(1, kvs.putMediaCalls.get(), "not retried");
      assertNothingLeftBehind("not-found", kvs);
      p.close();
    }
  }

  @Test
  void aServiceThatNeverAnswersIsStaleAndTheBufferDropsOldestFragmentsInRealTime() throws Exception {
    try (FakeKvs kvs = new FakeKvs(FakeKvs.PutMedia.STALL); VidlogClient client = client(kvs)) {
      StreamProducer p = client.producer(config("stall").build());
      long max = put(p, 300);
      awaitError(ProducerError.Kind.STALE_CONNECTION, "no response to PutMedia within 1000 ms");
      assertBounded(max);
      assertTrue(drops.stream().anyMatch(d -> d.reason() == DroppedFragment.Reason.BUFFER_FULL), drops::toString);
      long dropped = drops.stream().mapToLong(DroppedFragment::frames).sum();
      assertEquals(p.stats().framesDropped(), dropped);
      p.abort();
      assertNothingLeftBehind("stall", kvs);
    }
  }

  @Test
  void anAnsweredConnectionWithoutAcksIsStale() throws Exception {
    try (FakeKvs kvs = new FakeKvs(FakeKvs.PutMedia.STALL_AFTER_200); VidlogClient client = client(kvs)) {
      StreamProducer p = client.producer(config("silent").build());
      put(p, 60);
      awaitError(ProducerError.Kind.STALE_CONNECTION, "no BUFFERING acknowledgement within 1000 ms");
      p.abort();
      assertNothingLeftBehind("silent", kvs);
    }
  }

  @Test
  void aServiceThatStopsReadingCannotHangTheSender() throws Exception {
    try (FakeKvs kvs = new FakeKvs(FakeKvs.PutMedia.STOP_READING); VidlogClient client = client(kvs)) {
      StreamProducer p = client.producer(config("blocked").build());
      long max = put(p, 600);
      awaitError(ProducerError.Kind.STALE_CONNECTION, "stale");
      Conditions.await("a second connection after the stale one", () -> kvs.putMediaCalls.get() >= 2);
      assertBounded(max);
      p.abort();
      assertNothingLeftBehind("blocked", kvs);
    }
  }

  @Test
  void offlineModeBlocksPutFrameWhenFullAndCloseReleasesIt() throws Exception {
    try (FakeKvs kvs = new FakeKvs(FakeKvs.PutMedia.STALL_AFTER_200); VidlogClient client = client(kvs)) {
      StreamProducer p = client.producer(config("offline").mode(BufferMode.OFFLINE).build());
      AtomicLong max = new AtomicLong();
      CompletableFuture<Void> putting = CompletableFuture.runAsync(() -> max.set(put(p, 1000)));
      Conditions.await("putFrame blocked on a full buffer", () -> p.stats().buffer().fill() >= 0.9
          && !putting.isDone());
      long accepted = p.stats().framesAccepted();
      assertTrue(accepted < 1000, "frames taken: " + accepted);
      p.close();
      ExecutionException e = assertThrows(ExecutionException.class, () -> putting.get(30, TimeUnit.SECONDS));
      assertTrue(e.getCause() instanceof ProducerClosedException, e.getCause().toString());
      assertBounded(max.get());
      assertTrue(drops.stream().noneMatch(d -> d.reason() == DroppedFragment.Reason.BUFFER_FULL), drops::toString);
      assertNothingLeftBehind("offline", kvs);
    }
  }

  @Test
  void errorAcksEndTheConnectionOrDropTheFragmentAsTheirIdSays() throws Exception {
    try (FakeKvs kvs = new FakeKvs(FakeKvs.PutMedia.SCRIPTED_ACKS); VidlogClient client = client(kvs)) {
      // fragment 1: 5000, the connection ends and the fragment goes again; fragment 3 (the 4th completed): refused
      kvs.script = n -> n == 1 ? FakeKvs.Answer.END_CONNECTION : n == 3 ? FakeKvs.Answer.REFUSE : FakeKvs.Answer.PERSISTED;
      StreamProducer p = client.producer(config("acks").build());
      Instant t0 = Instant.ofEpochMilli(1_800_000_000_000L);
      for (int i = 0; i < 6 * GOP; i++) {
        Instant pts = t0.plusMillis(40L * i);
        p.putFrame(1, pts, pts, i % GOP == 0, SyntheticH264.frame(i % GOP == 0, "e" + i, 500));
      }
      assertTrue(p.flush(Duration.ofSeconds(30)), p.stats()::toString);
      long fragment = 40L * GOP;
      long start = t0.toEpochMilli();
      assertEquals(List.of(start, start + fragment, start + 3 * fragment, start + 4 * fragment, start + 5 * fragment),
          kvs.stored.stream().sorted().toList(), "the fragment ended by 5000 stored after all, the refused one not");
      assertTrue(errors.stream().anyMatch(e -> e.retriable() && e.message().contains("5000")), errors::toString);
      assertTrue(errors.stream().anyMatch(e -> !e.retriable() && e.message().contains("4002")), errors::toString);
      assertEquals(List.of(new DroppedFragment(Instant.ofEpochMilli(start + 2 * fragment), GOP,
          drops.isEmpty() ? 0 : drops.get(0).bytes(), DroppedFragment.Reason.REFUSED)), drops);
      assertEquals(2, kvs.putMediaCalls.get());
      assertEquals(5, recorder.latencies.size(), "a latency for each acknowledged fragment");
      ProducerStats stats = p.stats();
      assertEquals(5, stats.fragmentsPersisted());
      assertTrue(stats.fragmentsResent() >= 1, stats::toString);
      p.close();
      assertNothingLeftBehind("acks", kvs);
    }
  }

  @Test
  void bufferDurationBoundsTheBufferAndPressureIsReported() throws Exception {
    List<BufferState> pressure = recorder.pressure;
    try (FakeKvs kvs = new FakeKvs(FakeKvs.PutMedia.STALL_AFTER_200); VidlogClient client = client(kvs)) {
      StreamProducer p = client.producer(config("duration").bufferBytes(64L << 20).bufferDuration(Duration.ofSeconds(3))
          .build());
      Instant t0 = Instant.ofEpochMilli(System.currentTimeMillis());
      long maxMillis = 0;
      for (int i = 0; i < 10 * GOP; i++) {
        Instant pts = t0.plusMillis(40L * i);
        p.putFrame(1, pts, pts, i % GOP == 0, SyntheticH264.frame(i % GOP == 0, "d" + i, 200));
        maxMillis = Math.max(maxMillis, p.stats().buffer().duration().toMillis());
      }
      assertTrue(maxMillis <= 3000 + 2 * 40L * GOP, "buffer spanned " + maxMillis + " ms");
      assertTrue(drops.stream().allMatch(d -> d.reason() == DroppedFragment.Reason.BUFFER_FULL) && drops.size() >= 5,
          drops::toString);
      assertEquals(List.of(0.5, 0.8, 1.0), pressure.stream().map(s -> s.fill() >= 1 ? 1.0 : s.fill() >= 0.8 ? 0.8 : 0.5)
          .distinct().toList(), pressure::toString);
      p.abort();
      assertNothingLeftBehind("duration", kvs);
    }
  }

  /** The buffer's limit, plus at most the fragment being filled and the one half written (docs of dropWhileOverLimits). */
  static void assertBounded(long max) {
    long fragment = (long) GOP * (FRAME + 64);
    assertTrue(max <= BUFFER + 2 * fragment, "buffer peaked at " + max + " bytes, limit " + BUFFER);
  }
}
