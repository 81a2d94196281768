package io.vidlog.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import io.vidlog.kvs.AckError;
import io.vidlog.media.ebml.EbmlWriter;
import io.vidlog.media.mkv.MatroskaIds;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sizes a producer declares do not drive the server's memory. A real ingest server runs in a
 * child JVM with a 256 MB heap that exits on the first OutOfMemoryError, and producer connections
 * declare 50 MiB Blocks (the largest frame the limits accept) and stall. Before buffers grew as
 * bytes arrived, each such connection took 50 MiB for a few KB sent and the child died; now a
 * stalled connection holds what it sent, the server-wide budget refuses connections that really
 * send more than the heap can hold (ERROR ack 5000 SERVER_BUFFER_LIMIT_REACHED), and a normal
 * producer is still PERSISTED while they stall. Each stalled connection has a stream of its own:
 * a stream admits one producer at a time (a newcomer is refused before its body is read), so
 * sixteen parsers at once take sixteen streams.
 */
class BufferBudgetIT {
  private static final int STALLED = BufferBudgetServerMain.STREAMS;
  private static final long FIFTY_MIB = 50L << 20;

  @TempDir
  Path data;

  private Process server;
  private int port;
  private int statsPort;
  private final List<Stalled> stalled = new ArrayList<>();

  @BeforeEach
  void startServer() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-XX:+ExitOnOutOfMemoryError", "-cp",
        System.getProperty("java.class.path"), BufferBudgetServerMain.class.getName(), data.toString());
    pb.redirectErrorStream(true).redirectOutput(data.resolve("server.log").toFile());
    server = pb.start();
    Path portFile = data.resolve("port");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.exists(portFile)) {
      assertTrue(server.isAlive() && System.nanoTime() < deadline, "server did not start");
      Thread.sleep(50); // waiting for another process to write a file: no latch can span processes
    }
    String[] ports = Files.readString(portFile).split(" ");
    port = Integer.parseInt(ports[0]);
    statsPort = Integer.parseInt(ports[1]);
  }

  @AfterEach
  void stopServer() throws Exception {
    for (Stalled s : stalled) {
      s.producer.close();
    }
    server.destroyForcibly();
    server.waitFor(30, TimeUnit.SECONDS);
  }

  /** The head of a body whose next element is a BlockGroup with a Block declaring {@code blockBytes}. */
  private static byte[] blockGroupClaiming(long blockBytes, long clusterTimecode) {
    EbmlWriter e = EbmlWriter.MINIMAL;
    byte[] blockHeader = EbmlWriter.concat(e.header(MatroskaIds.BLOCK, blockBytes), new byte[] {(byte) 0x81, 0, 0, 0});
    byte[] group = EbmlWriter.concat(e.header(MatroskaIds.BLOCK_GROUP, blockHeader.length + blockBytes - 4),
        blockHeader);
    return new TestMkv().header(1).cluster(clusterTimecode).raw(group).bytes();
  }

  /** One stalled producer, its acks read as they come by a thread of its own. */
  private final class Stalled {
    final RawPutMedia producer;
    final List<JsonObject> acks = new CopyOnWriteArrayList<>();
    volatile boolean ended;

    Stalled(String stream) throws IOException {
      producer = RawPutMedia.open(port, stream);
      Thread reader = new Thread(() -> {
        try {
          JsonObject a;
          while ((a = producer.nextAck()) != null) {
            acks.add(a);
          }
        } catch (IOException | RuntimeException e) {
          // the server closed the connection, or the test did
        }
        ended = true;
      }, "acks of " + stream);
      reader.setDaemon(true);
      reader.start();
      stalled.add(this);
    }

    /** Sends {@code bytes}, then {@code more} zero bytes in 1 MiB chunks; stops when the server stops reading. */
    void send(byte[] bytes, long more) {
      try {
        producer.send(bytes);
        byte[] chunk = new byte[1 << 20];
        for (long sent = 0; sent < more; sent += chunk.length) {
          producer.send(chunk, 0, (int) Math.min(chunk.length, more - sent));
        }
      } catch (IOException e) {
        // refused: the server answered with an ERROR ack and closed the connection
      }
    }

    JsonObject first(String type) {
      return acks.stream().filter(a -> type.equals(a.getString("EventType"))).findFirst().orElse(null);
    }
  }

  private long[] serverBuffers() throws IOException {
    try (InputStream in = URI.create("http://127.0.0.1:" + statsPort + "/").toURL().openStream()) {
      String[] v = new String(in.readAllBytes()).trim().split(" ");
      return new long[] {Long.parseLong(v[0]), Long.parseLong(v[1])};
    }
  }

  /** Bytes the server's body parsers hold, or -1 while its stats port does not answer. */
  private long held() {
    try {
      return serverBuffers()[0];
    } catch (IOException e) {
      return -1;
    }
  }

  /** Closes every stalled producer's connection and waits until the server holds no buffer. */
  private void closeStalledAndAwaitEveryBufferBack() throws Exception {
    for (Stalled s : stalled) {
      s.producer.close();
    }
    await("every buffer went back", () -> held() == 0);
  }

  private void await(String what, BooleanSupplier condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      assertTrue(server.isAlive(), "the server died (OutOfMemoryError?) while waiting for: " + what + "; log:\n"
          + Files.readString(data.resolve("server.log")));
      assertTrue(System.nanoTime() < deadline, "timed out waiting for: " + what);
      Thread.sleep(20); // polling another process's state: nothing to latch on
    }
  }

  /** A normal producer on {@code stream}: one fragment, answered PERSISTED. */
  private void normalProducerIsPersisted(String stream) throws Exception {
    try (RawPutMedia producer = new RawPutMedia(port, Map.of("x-amzn-stream-name", stream), 0)) {
      producer.send(new TestMkv().header(1).fragment(0, 1, 25, 2000).endOfFragment().bytes());
      assertEquals(200, producer.status());
      List<JsonObject> seen = new ArrayList<>();
      assertNotNull(producer.until("PERSISTED", seen), "acks: " + seen);
    }
  }

  private boolean alive() {
    return server.isAlive();
  }

  /** Whether the server runs; if not, fails naming the end of its log (an OutOfMemoryError ends it). */
  private void assertAlive(String when) throws IOException {
    if (!alive()) {
      List<String> log = Files.readAllLines(data.resolve("server.log"));
      throw new AssertionError("the server died " + when + "; its log ends:\n"
          + String.join("\n", log.subList(Math.max(0, log.size() - 5), log.size())));
    }
  }

  @Test
  void sixteenConnectionsDeclaringFiftyMiBBlocksAndStallingCostWhatTheySent() throws Exception {
    for (int i = 0; i < STALLED; i++) {
      Stalled s = new Stalled("budget-" + i);
      s.send(blockGroupClaiming(FIFTY_MIB, 0), 4096);
    }
    // each stalled body was read up to its last byte by its own parser: each holds its Block's first bytes
    await("every stalled connection's Block is being buffered", () -> held() >= STALLED * 4096L || !alive());
    assertAlive("after sixteen 50 MiB claims");
    long held = serverBuffers()[0];
    assertTrue(held <= STALLED * 64 * 1024, "sixteen stalled connections hold " + held + " bytes");
    normalProducerIsPersisted("budget-check");
    closeStalledAndAwaitEveryBufferBack();
  }

  @Test
  void connectionsReallySendingMoreThanTheHeapHoldsMeetTheServerWideBudget() throws Exception {
    long perConnection = 20L << 20; // 16 of them: 320 MiB into a 256 MB heap
    for (int i = 0; i < STALLED; i++) {
      Stalled s = new Stalled("budget-" + i);
      s.send(blockGroupClaiming(FIFTY_MIB, 0), perConnection);
      assertAlive("after " + (i + 1) + " connections");
    }
    // a stalled connection whose buffer fit hears IDLE; one whose buffer did not, the budget's ERROR
    await("every stalled connection has its answer", () -> stalled.stream()
        .allMatch(s -> s.first("ERROR") != null || s.first("IDLE") != null));
    int refused = 0;
    for (Stalled s : stalled) {
      JsonObject error = s.first("ERROR");
      if (error != null) {
        refused++;
        assertEquals(AckError.SERVER_BUFFER_LIMIT_REACHED.id(), error.getInteger("ErrorId"), error::encode);
        assertEquals(AckError.SERVER_BUFFER_LIMIT_REACHED.code(), error.getString("ErrorCode"), error::encode);
      }
    }
    assertTrue(refused > 0 && refused < STALLED, refused + " of " + STALLED + " refused");
    long[] buffers = serverBuffers();
    assertTrue(buffers[0] <= buffers[1], "held " + buffers[0] + " within the server-wide budget " + buffers[1]);
    normalProducerIsPersisted("budget-check");
    closeStalledAndAwaitEveryBufferBack();
    assertAlive("at the end");
  }
}
