package io.vidlog.fragmentstore.object;

import static io.vidlog.fragmentstore.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash consistency of the fs backend: a forked JVM ({@link CrashWriter}) writes objects and reports
 * each completed put; it is SIGKILLed (destroyForcibly) at a random point, several times. After
 * each crash the store is reopened: every reported object reads back whole and correct, no torn
 * object is visible in list or get, and no temp file survives the reopen.
 *
 * <p>SIGKILL keeps the page cache, so this checks atomicity and the acknowledgement order (a put
 * is reported only after rename), not power-loss durability, which fsync provides by contract.
 */
class FsObjectStoreCrashIT {
  @TempDir
  Path dir;

  @Test
  void killedWritersLeaveWholeObjectsOrNothing() throws Exception {
    crashRounds(1, CrashWriter.IN_FLIGHT);
  }

  /** Many writes in flight across many directories: commits span directories when the process dies. */
  @Test
  void killedWritersAcrossManyDirectoriesLeaveWholeObjectsOrNothing() throws Exception {
    crashRounds(24, 48);
  }

  /**
   * A server killed again and again before its delayed sweep runs must not pile up temp files: the
   * temp files of the puts in flight at the kill are gone as soon as the store is opened again
   * (with its production sweep delay), before any sweep.
   */
  @Test
  void reopeningRemovesTheKilledWritersTempFilesAtOnce() throws Exception {
    Path root = dir.resolve("objects");
    Vertx vertx = Vertx.vertx();
    try {
      long left = 0;
      for (int round = 0; round < 5 && left == 0; round++) {
        crashOnce(root, round * 1_000_000L, 20, 24, 48);
        left = tempFiles(root);
      }
      assertTrue(left > 0, "a kill with 48 puts in flight left temp files to remove");
      FsObjectStore store = new FsObjectStore(vertx, root);
      try {
        assertEquals(0, tempFiles(root), "temp files of the killed writer after reopening");
      } finally {
        store.close();
      }
    } finally {
      await(vertx.close());
    }
  }

  private static long tempFiles(Path root) throws Exception {
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(p -> p.getFileName().toString().startsWith(".tmp-")).count();
    }
  }

  private void crashRounds(int dirs, int inFlight) throws Exception {
    Path root = dir.resolve("objects");
    Random random = new Random(20261122);
    Map<String, Long> reported = new HashMap<>();
    Vertx vertx = Vertx.vertx();
    try {
      for (int round = 0; round < 5; round++) {
        int killAfter = 3 + random.nextInt(60);
        Map<String, Long> acked = crashOnce(root, round * 1_000_000L, killAfter, dirs, inFlight);
        assertFalse(acked.isEmpty(), "round " + round + " acknowledged nothing");
        for (Map.Entry<String, Long> e : acked.entrySet()) {
          if (!e.getKey().equals("crash/shared")) {
            reported.put(e.getKey(), e.getValue());
          }
        }
        FsObjectStore store = new FsObjectStore(vertx, root, FsObjectStore.DEFAULT_WORKERS, Duration.ZERO);
        try {
          await(store.tempSweep());
          for (Map.Entry<String, Long> e : reported.entrySet()) {
            assertArrayEquals(CrashWriter.content(e.getValue()), await(store.get(e.getKey())).getBytes(),
                "acknowledged object " + e.getKey() + " after crash " + round);
          }
          List<ObjectInfo> listed = await(store.list("crash/", null, 1_000_000));
          for (ObjectInfo o : listed) {
            byte[] b = await(store.get(o.key())).getBytes();
            assertTrue(b.length >= 8, o.key() + " is torn");
            long index = ByteBuffer.wrap(b).getLong();
            assertArrayEquals(CrashWriter.content(index), b, "listed object " + o.key() + " is torn");
            assertEquals(b.length, o.size());
          }
          if (acked.containsKey("crash/shared")) {
            assertTrue(listed.stream().anyMatch(o -> o.key().equals("crash/shared")));
          }
        } finally {
          store.close();
        }
        try (Stream<Path> files = Files.walk(root)) {
          assertFalse(files.anyMatch(p -> p.getFileName().toString().startsWith(".tmp-")), "temp files after reopen");
        }
      }
    } finally {
      await(vertx.close());
    }
  }

  /** Runs the writer until it reported {@code killAfter} completions, SIGKILLs it, returns what it reported. */
  private Map<String, Long> crashOnce(Path root, long start, int killAfter, int dirs, int inFlight) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        CrashWriter.class.getName(), root.toString(), Long.toString(start), Integer.toString(dirs),
        Integer.toString(inFlight))
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    Map<String, Long> acked = new ConcurrentHashMap<>();
    CountDownLatch enough = new CountDownLatch(killAfter);
    StringBuilder failures = new StringBuilder();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          String[] parts = line.split(" ");
          if (parts[0].equals("OK")) {
            acked.merge(parts[1], Long.parseLong(parts[2]), Math::max);
            enough.countDown();
          } else if (!line.isBlank() && !line.contains("SLF4J") && line.startsWith("FAIL")) {
            synchronized (failures) {
              failures.append(line).append('\n');
            }
          }
        }
      } catch (Exception e) {
        // the pipe breaks when the child is killed
      }
    });
    reader.start();
    boolean reached = enough.await(120, TimeUnit.SECONDS);
    p.destroyForcibly();
    p.waitFor(30, TimeUnit.SECONDS);
    reader.join(TimeUnit.SECONDS.toMillis(30));
    assertTrue(reached, "writer did not complete " + killAfter + " puts; exit " + (p.isAlive() ? "alive" : p.exitValue()));
    assertEquals("", failures.toString(), "the writer reported failed puts");
    return acked;
  }
}
