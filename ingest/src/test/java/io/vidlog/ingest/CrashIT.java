package io.vidlog.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.FragmentRecord;
import io.vidlog.fragmentstore.index.IndexConfig;
import io.vidlog.fragmentstore.index.ObjectStoreTimeIndex;
import io.vidlog.fragmentstore.chunk.FragmentArchive;
import io.vidlog.fragmentstore.chunk.SealedFragmentArchive;
import io.vidlog.fragmentstore.crypto.Crypto;
import io.vidlog.fragmentstore.object.FsObjectStore;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.fragmentstore.streams.StreamStatus;
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
  static final String STREAM_ID = "crash-stream-1";

  @TempDir
  Path data;

  private Process startServer() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
        CrashServerMain.class.getName(), data.toString());
    pb.redirectErrorStream(true).redirectOutput(data.resolve("server.log").toFile());
    Process p = pb.start();
    Path port = data.resolve("port");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.exists(port)) {
      assertTrue(p.isAlive() && System.nanoTime() < deadline, "server did not start");
      Thread.sleep(50); // waiting for another process to write a file: no latch can span processes
    }
    return p;
  }

  @Test
  void everyPersistedFragmentSurvivesSigkill() throws Exception {
    Process server = startServer();
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
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (spoolFiles() == 0) {
        assertTrue(System.nanoTime() < deadline, "the open fragment's chunk is spooled");
        Thread.sleep(20); // another process's file: no latch can span processes
      }
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

    // "restart": open the same data dir as a new process would
    Vertx vertx = Vertx.vertx();
    try (FsObjectStore store = new FsObjectStore(vertx, data.resolve("objects"))) {
      Crypto crypto = IngestServer.await(Crypto.open(vertx, store, data.resolve("keys")));
      SealedFragmentArchive archive = IngestServer.await(SealedFragmentArchive.open(vertx, store, crypto,
          data.resolve("spool")));
      StreamInfo stream = new StreamInfo(STREAM, "arn", STREAM_ID, StreamStatus.ACTIVE, null, null, null, 24, "1", 0,
          Map.of());
      List<String> stored = IngestServer.await(archive.list(stream, null, 10_000)).stream()
          .map(FragmentNumber::value).toList();
      assertTrue(stored.containsAll(persisted), "persisted " + persisted + " stored " + stored);
      ObjectStoreTimeIndex index = new ObjectStoreTimeIndex(store, scope -> crypto.keys(scope).map(k -> k), archive,
          IndexConfig.DEFAULT);
      for (String n : persisted) {
        FragmentArchive.ChunkReader reader = IngestServer.await(archive.open(stream, new FragmentNumber(n)));
        assertEquals(50, reader.header().tracks().stream().mapToInt(t -> t.frameCount()).sum());
        FragmentRecord record = IngestServer.await(index.get(stream, new FragmentNumber(n)));
        assertTrue(record != null && record.number().value().equals(n), "indexed after restart: " + n);
      }
      assertEquals(0, spoolFiles(), "the reopened archive removed the killed process's spool files");
    } finally {
      IngestServer.await(vertx.close());
    }
  }

  private long spoolFiles() throws java.io.IOException {
    Path dir = data.resolve("spool");
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (var spool = Files.list(dir)) {
      return spool.filter(f -> f.toString().endsWith(".spool")).count();
    }
  }
}
