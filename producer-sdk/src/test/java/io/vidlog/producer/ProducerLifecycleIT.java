package io.vidlog.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.producer.testing.SyntheticH264;
import io.vidlog.producer.testing.TestVidlog;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The producer's life against a real vidlog: connections rotated before their maximum age without a
 * frame lost or doubled; a stream that keeps nothing (acknowledged on RECEIVED, read live by a reader
 * from NOW); a change of picture size mid-stream (a new MKV header with the new CodecPrivate).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProducerLifecycleIT {
  TestVidlog vidlog;
  VidlogClient client;
  final List<ProducerError> errors = new CopyOnWriteArrayList<>();

  @BeforeAll
  void start(@TempDir Path dataDir) throws Exception {
    vidlog = TestVidlog.start(dataDir);
    client = vidlog.client();
  }

  @AfterAll
  void stop() {
    client.close();
    vidlog.close();
  }

  ProducerListener errorsInto() {
    return new ProducerListener() {
      @Override
      public void onError(ProducerError error) {
        errors.add(error);
      }
    };
  }

  /** Paced frames, a key frame every {@code gop}; returns the labels put. */
  static List<String> paced(StreamProducer p, String prefix, int frames, int gop) throws InterruptedException {
    List<String> labels = new ArrayList<>();
    Instant start = Instant.ofEpochMilli(System.currentTimeMillis());
    for (int i = 0; i < frames; i++) {
      Instant pts = start.plusMillis(40L * i);
      long wait = pts.toEpochMilli() - System.currentTimeMillis();
      if (wait > 0) {
        Thread.sleep(wait);
      }
      p.putFrame(1, pts, pts, i % gop == 0, SyntheticH264.frame(i % gop == 0, prefix + i, 800));
      labels.add(prefix + i);
    }
    return labels;
  }

  List<String> storedLabels(String stream) throws Exception {
    List<FragmentInfo> listed = client.listFragments(stream, TimestampType.SERVER_TIMESTAMP,
        Instant.now().minusSeconds(600), Instant.now().plusSeconds(60));
    List<String> out = new ArrayList<>();
    client.getMediaForFragmentList(stream, listed.stream().map(FragmentInfo::fragmentNumber).toList(),
        f -> f.frames().forEach(fr -> out.add(SyntheticH264.label(fr.data()))));
    return out;
  }

  @Test
  void connectionsAreRotatedWithoutLosingOrDoublingAFrame() throws Exception {
    String stream = "sdk-rotate";
    ProducerConfig config = ProducerConfig.builder(stream).createIfMissing(StreamSpec.named(stream))
        .track(TrackConfig.h264(1)).connectionMaxDuration(Duration.ofMillis(800)).listener(errorsInto()).build();
    List<String> put;
    ProducerStats stats;
    try (StreamProducer p = client.producer(config)) {
      put = paced(p, "rot", 100, 10);
      assertTrue(p.flush(Duration.ofSeconds(30)));
      stats = p.stats();
    }
    assertTrue(stats.connections() >= 3, stats::toString);
    assertEquals(0, stats.fragmentsResent(), stats::toString);
    assertEquals(put, storedLabels(stream));
    assertEquals(List.of(), errors.stream().filter(e -> e.message().contains(stream)).toList());
  }

  @Test
  void aStreamThatKeepsNothingIsAcknowledgedOnReceivedAndReadLive() throws Exception {
    String stream = "sdk-retention-0";
    client.createStream(StreamSpec.named(stream).withRetentionHours(0));
    List<String> read = new CopyOnWriteArrayList<>();
    CountDownLatch connected = new CountDownLatch(1);
    StreamReader reader = client.reader(ReaderConfig.of(stream).withStart(StartPosition.now())
        .withListener(new ReaderListener() {
          @Override
          public void onConnected(String from) {
            connected.countDown();
          }
        }));
    CompletableFuture<Void> tail = CompletableFuture.runAsync(() -> {
      try {
        reader.run(f -> {
          read.add(SyntheticH264.label(f.data()));
          if (read.size() == 50) {
            reader.stop();
          }
        });
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    assertTrue(connected.await(30, TimeUnit.SECONDS));
    ProducerConfig config = ProducerConfig.builder(stream).track(TrackConfig.h264(1)).build();
    List<String> put;
    ProducerStats stats;
    try (StreamProducer p = client.producer(config)) {
      put = paced(p, "z", 50, 10);
      assertTrue(p.flush(Duration.ofSeconds(30)), "released on RECEIVED (no PERSISTED on a retention-0 stream)");
      stats = p.stats();
    }
    assertEquals(5, stats.fragmentsPersisted(), stats::toString);
    tail.get(30, TimeUnit.SECONDS);
    assertEquals(put, read);
    assertEquals(List.of(), client.listFragments(stream, TimestampType.SERVER_TIMESTAMP,
        Instant.now().minusSeconds(600), Instant.now()), "nothing stored");
  }

  @Test
  void aNewPictureSizeStartsANewHeaderWithItsCodecPrivate() throws Exception {
    String stream = "sdk-resize";
    ProducerConfig config = ProducerConfig.builder(stream).createIfMissing(StreamSpec.named(stream))
        .track(TrackConfig.h264(1)).build();
    Instant t0 = Instant.ofEpochMilli(System.currentTimeMillis() - 10_000);
    try (StreamProducer p = client.producer(config)) {
      for (int i = 0; i < 40; i++) {
        Instant pts = t0.plusMillis(40L * i);
        byte[] sets = i % 10 != 0 ? null : i < 20 ? SyntheticH264.PARAMETER_SETS : SyntheticH264.PARAMETER_SETS_640X360;
        p.putFrame(1, pts, pts, sets != null, SyntheticH264.frame(sets, "s" + i, 500));
      }
      assertTrue(p.flush(Duration.ofSeconds(30)));
      assertEquals(1, p.stats().connections());
    }
    List<FragmentInfo> listed = client.listFragments(stream, TimestampType.PRODUCER_TIMESTAMP, t0.minusSeconds(1),
        t0.plusSeconds(10));
    List<String> sizes = new ArrayList<>();
    client.getMediaForFragmentList(stream, listed.stream().map(FragmentInfo::fragmentNumber).toList(),
        f -> sizes.add(f.tracks().get(0).pixelWidth() + "x" + f.tracks().get(0).pixelHeight()));
    assertEquals(List.of("320x180", "320x180", "640x360", "640x360"), sizes);
  }
}
