package io.vidlog.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.FragmentRecord;
import io.vidlog.fragmentstore.chunk.FragmentArchive;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.fragmentstore.testing.Conditions;
import io.vidlog.fragmentstore.testing.TestStores;
import io.vidlog.kvs.StreamRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server process killed with SIGKILL in the middle of uploads: after a restart every fragment
 * that was acked PERSISTED is in the store, opens with its frames and is found in the time index
 * (rebuilt from the store), so nothing acknowledged is lost.
 */
class CrashIT {
  static final String STREAM = "crash";

  @TempDir
  Path data;

  private Process startServer(int extraStreams) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
        CrashServerMain.class.getName(), data.toString(), Integer.toString(extraStreams));
    pb.redirectErrorStream(true).redirectOutput(data.resolve("server.log").toFile());
    Process p = pb.start();
    // another process's file: no latch can span processes
    Conditions.await("the server process wrote its port", () -> {
      assertTrue(p.isAlive(), "the server process died; see server.log");
      return Files.exists(data.resolve("port"));
    });
    return p;
  }

  @Test
  void everyPersistedFragmentSurvivesSigkill() throws Exception {
    Process server = startServer(0);
    int port = Integer.parseInt(Files.readString(data.resolve("port")));
    List<String> persisted = new ArrayList<>();
    try (RawPutMedia producer = new RawPutMedia(port, Map.of("x-amzn-stream-name", STREAM), 0)) {
      producer.send(new TestMkv().header(2).bytes());
      long timecode = 0;
      // keep sending fragments while reading acks; kill the server after 15 PERSISTED acks
      while (persisted.size() < 15) {
        producer.send(new TestMkv().fragment(timecode, 2, 25, 2000).endOfFragment().bytes());
        timecode += 1000;
        JsonObject ack;
        while ((ack = producer.nextAck()) != null && !"RECEIVED".equals(ack.getString("EventType"))) {
          if ("PERSISTED".equals(ack.getString("EventType"))) {
            persisted.add(ack.getString("FragmentNumber"));
          }
        }
      }
      // more fragments in flight, then SIGKILL mid-upload
      for (int i = 0; i < 5; i++) {
        producer.send(new TestMkv().fragment(timecode, 2, 25, 2000).endOfFragment().bytes());
        timecode += 1000;
      }
      producer.send(new TestMkv().cluster(timecode).block(1, 0, true, new byte[5000]).bytes());
      // the open fragment's chunk is being spooled when the process dies
      Conditions.await("the open fragment's chunk is spooled", () -> spoolFiles() > 0);
      server.destroyForcibly(); // SIGKILL on Linux
      assertTrue(server.waitFor(30, TimeUnit.SECONDS));
      try {
        JsonObject ack;
        while ((ack = producer.nextAck()) != null) {
          if ("PERSISTED".equals(ack.getString("EventType"))) {
            persisted.add(ack.getString("FragmentNumber"));
          }
        }
      } catch (java.io.IOException e) {
        // connection reset by the killed server
      }
    } finally {
      server.destroyForcibly();
    }

    assertPersistedSurvived(Map.of(STREAM, persisted));
  }

  /**
   * Many streams uploading at once, so the store has commits of different streams in flight
   * together (their fsyncs sharing journal commits) when the process is killed: every fragment
   * acked PERSISTED on any stream survives.
   */
  @Test
  void everyPersistedFragmentOfManyConcurrentStreamsSurvivesSigkill() throws Exception {
    int streams = 16;
    Process server = startServer(streams);
    int port = Integer.parseInt(Files.readString(data.resolve("port")));
    Map<String, List<String>> persisted = new java.util.concurrent.ConcurrentHashMap<>();
    java.util.concurrent.atomic.AtomicInteger total = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicBoolean killed = new java.util.concurrent.atomic.AtomicBoolean();
    List<Thread> producers = new ArrayList<>();
    List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    try {
      for (int i = 0; i < streams; i++) {
        String name = STREAM + "-" + i;
        List<String> acked = java.util.Collections.synchronizedList(new ArrayList<>());
        persisted.put(name, acked);
        Thread t = new Thread(() -> produceUntilKilled(port, name, acked, total, killed, failures), "producer-" + name);
        t.start();
        producers.add(t);
      }
      // kill once every stream had fragments persisted and the uploads are still going
      Conditions.await("every stream has a PERSISTED fragment and 60 in all", () -> {
        assertTrue(failures.isEmpty(), "producers failed before the kill: " + failures);
        return total.get() >= 60 && persisted.values().stream().allMatch(l -> !l.isEmpty());
      });
      killed.set(true);
      server.destroyForcibly(); // SIGKILL on Linux
      assertTrue(server.waitFor(30, TimeUnit.SECONDS));
      for (Thread t : producers) {
        t.join(TimeUnit.SECONDS.toMillis(60));
        assertTrue(!t.isAlive(), t.getName() + " ended with the server");
      }
    } finally {
      server.destroyForcibly();
    }
    Map<String, List<String>> copy = new java.util.HashMap<>();
    persisted.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    assertPersistedSurvived(copy);
  }

  /** One producer: fragments back to back, acks read as they come, until the server dies. */
  private static void produceUntilKilled(int port, String stream, List<String> persisted,
      java.util.concurrent.atomic.AtomicInteger total, java.util.concurrent.atomic.AtomicBoolean killed,
      List<Throwable> failures) {
    try (RawPutMedia producer = new RawPutMedia(port, Map.of("x-amzn-stream-name", stream), 0)) {
      producer.send(new TestMkv().header(2).bytes());
      long timecode = 0;
      while (true) {
        producer.send(new TestMkv().fragment(timecode, 2, 25, 2000).endOfFragment().bytes());
        timecode += 1000;
        JsonObject ack;
        while ((ack = producer.nextAck()) != null && !"RECEIVED".equals(ack.getString("EventType"))) {
          if ("PERSISTED".equals(ack.getString("EventType"))) {
            persisted.add(ack.getString("FragmentNumber"));
            total.incrementAndGet();
          }
        }
        if (ack == null) {
          return; // the response ended: the server died
        }
      }
    } catch (java.io.IOException e) {
      if (!killed.get()) {
        failures.add(e);
      }
      // after the kill: connection reset by the killed server
    }
  }

  /** Reopens the data dir as a restarted server would; every acked fragment opens whole and is indexed. */
  private void assertPersistedSurvived(Map<String, List<String>> persistedByStream) throws Exception {
    Vertx vertx = Vertx.vertx();
    try (TestStores restarted = TestStores.onDisk(vertx, data)) {
      for (Map.Entry<String, List<String>> e : persistedByStream.entrySet()) {
        StreamInfo stream = restarted.await(() -> restarted.registry.describe(StreamRef.byName(e.getKey())));
        List<String> persisted = e.getValue();
        List<String> stored = restarted.await(() -> restarted.archive.list(stream, null, 10_000)).stream()
            .map(FragmentNumber::value).toList();
        assertTrue(stored.containsAll(persisted), e.getKey() + ": persisted " + persisted + " stored " + stored);
        for (String n : persisted) {
          FragmentNumber number = new FragmentNumber(n);
          FragmentArchive.ChunkReader reader = restarted.await(() -> restarted.archive.open(stream, number));
          assertEquals(50, reader.header().tracks().stream().mapToInt(t -> t.frameCount()).sum());
          // the index is rebuilt from the store alone: its segments and the chunks after them
          FragmentRecord record = restarted.await(() -> restarted.index.get(stream, number));
          assertNotNull(record, e.getKey() + ": indexed after restart: " + n);
          assertEquals(number, record.number());
        }
      }
      assertEquals(0, spoolFiles(), "the reopened archive removed the killed process's spool files");
    } finally {
      IngestServer.await(vertx.close());
    }
  }

  private long spoolFiles() {
    Path dir = data.resolve("spool");
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (var spool = Files.list(dir)) {
      return spool.filter(f -> f.toString().endsWith(".spool")).count();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
