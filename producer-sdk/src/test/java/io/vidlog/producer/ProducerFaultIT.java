package io.vidlog.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.producer.testing.Recorder;
import io.vidlog.producer.testing.SyntheticH264;
import io.vidlog.producer.testing.TcpProxy;
import io.vidlog.producer.testing.TestVidlog;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A camera-paced stream (25 frames/s, a key frame each second) for {@code vidlog.sdk.faultSeconds} (60 by
 * default) through a TCP proxy that cuts the PutMedia connection every one to three and a half seconds at
 * a random point: in the middle of the upload (a frame cut in two), in the middle of the acks, or at once.
 * Afterwards the stored stream holds every frame exactly once, in producer-timestamp order: nothing the
 * producer accepted was lost, and fragments the service stored while their acks were lost were not stored
 * again.
 */
class ProducerFaultIT {
  static final String STREAM = "sdk-fault";
  static final int FPS = 25;

  @Test
  void everyFrameIsStoredExactlyOnceAcrossManyCutConnections(@TempDir Path dataDir) throws Exception {
    int seconds = Integer.getInteger("vidlog.sdk.faultSeconds", 60);
    try (TcpProxy proxy = new TcpProxy();
        TestVidlog vidlog = TestVidlog.start(dataDir, Map.of("public-ingest-url", "https://127.0.0.1:" + proxy.port()));
        VidlogClient client = vidlog.client()) {
      proxy.start("127.0.0.1", vidlog.server.ingestUrl().getPort());
      Recorder recorder = new Recorder();
      ProducerConfig config = ProducerConfig.builder(STREAM)
          .createIfMissing(StreamSpec.named(STREAM))
          .track(TrackConfig.h264(1))
          .staleTimeout(Duration.ofSeconds(5))
          .backoff(Duration.ofMillis(100), Duration.ofSeconds(2))
          .listener(recorder).build();
      Random random = new Random(20261207);
      AtomicBoolean cutting = new AtomicBoolean(true);
      List<String> cutLog = new CopyOnWriteArrayList<>();
      Thread chaos = new Thread(() -> {
        Random r = new Random(7);
        try {
          while (cutting.get()) {
            Thread.sleep(1000 + r.nextInt(2500));
            if (!cutting.get()) {
              return;
            }
            int mode = cutLog.size() % 5; // every kind of cut, in turn
            if (mode < 2) {
              long bytes = r.nextInt(40_000);
              cutLog.add("up+" + bytes + ":" + proxy.cutAfter(TcpProxy.Direction.UPSTREAM, bytes));
            } else if (mode < 4) {
              long bytes = r.nextInt(300);
              cutLog.add("down+" + bytes + ":" + proxy.cutAfter(TcpProxy.Direction.DOWNSTREAM, bytes));
            } else {
              cutLog.add("now:" + proxy.cutAfter(TcpProxy.Direction.UPSTREAM, 0));
            }
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "test-chaos");
      chaos.setDaemon(true);

      int frames = seconds * FPS;
      Instant start = Instant.ofEpochMilli(System.currentTimeMillis());
      ProducerStats stats;
      try (StreamProducer producer = client.producer(config)) {
        chaos.start();
        for (int i = 0; i < frames; i++) {
          Instant pts = start.plusMillis(i * 1000L / FPS);
          long wait = pts.toEpochMilli() - System.currentTimeMillis();
          if (wait > 0) {
            Thread.sleep(wait); // camera pacing: frames arrive in real time
          }
          producer.putFrame(1, pts, pts, i % FPS == 0, SyntheticH264.frame(i % FPS == 0, "f" + i,
              3000 + random.nextInt(2000)));
        }
        cutting.set(false);
        chaos.join();
        assertTrue(producer.flush(Duration.ofSeconds(60)), () -> "flushed: " + producer.stats());
        stats = producer.stats();
      }
      System.out.println("fault test: " + seconds + " s, " + proxy.cuts() + " cuts " + cutLog + ", "
          + proxy.accepted() + " connections through the proxy; " + stats);
      System.out.println("fault test errors: " + recorder.errors.stream().map(ProducerError::kind)
          .collect(Collectors.groupingBy(k -> k, TreeMap::new, Collectors.counting())));

      assertEquals(List.of(), recorder.drops, "nothing dropped");
      assertTrue(proxy.cuts() >= seconds / 4, "the proxy cut connections many times: " + cutLog);

      List<FragmentInfo> listed = client.listFragments(STREAM, TimestampType.PRODUCER_TIMESTAMP,
          start.minusSeconds(1), start.plusSeconds(seconds + 60));
      Map<String, Integer> seen = new HashMap<>();
      List<Instant> timestamps = new ArrayList<>();
      client.getMediaForFragmentList(STREAM, listed.stream().map(FragmentInfo::fragmentNumber).toList(), f -> {
        for (ReadFrame frame : f.frames()) {
          seen.merge(SyntheticH264.label(frame.data()), 1, Integer::sum);
          timestamps.add(frame.timestamp());
        }
      });
      List<String> twice = seen.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).sorted().toList();
      List<String> missing = new ArrayList<>();
      for (int i = 0; i < frames; i++) {
        if (!seen.containsKey("f" + i)) {
          missing.add("f" + i);
        }
      }
      assertEquals(List.of(), missing, "frames missing from the stored stream");
      assertEquals(List.of(), twice, "frames stored more than once");
      assertEquals(frames, timestamps.size());
      for (int i = 1; i < timestamps.size(); i++) {
        assertTrue(timestamps.get(i).isAfter(timestamps.get(i - 1)), "producer timestamps increase at " + i);
      }
    }
  }
}
