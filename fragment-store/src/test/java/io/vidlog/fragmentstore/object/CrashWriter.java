package io.vidlog.fragmentstore.object;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * The child process of {@link FsObjectStoreCrashIT}: writes objects into an fs store forever, a few
 * at a time (args: root, first index, [directories, in flight]), alternating put and putFile and
 * overwriting one shared key, and prints
 * {@code OK <key> <index>} after each put completes (that is, after it is durable). It is killed with
 * SIGKILL at an arbitrary moment. (A CLI-like test main, so it prints to stdout.)
 */
public final class CrashWriter {
  static final int IN_FLIGHT = 8;

  private CrashWriter() {}

  /** Deterministic, self-describing content: the index, then seeded bytes; size varies up to ~300 KB. */
  static byte[] content(long index) {
    Random r = new Random(index);
    byte[] b = new byte[8 + r.nextInt(300_000)];
    r.nextBytes(b);
    ByteBuffer.wrap(b).putLong(index);
    return b;
  }

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]);
    long start = Long.parseLong(args[1]);
    int dirs = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    int inFlight = args.length > 3 ? Integer.parseInt(args[3]) : IN_FLIGHT;
    Path spool = Files.createDirectories(root.resolveSibling("spool"));
    Vertx vertx = Vertx.vertx();
    FsObjectStore store = new FsObjectStore(vertx, root);
    long[] next = {start};
    vertx.runOnContext(v -> {
      for (int i = 0; i < inFlight; i++) {
        loop(vertx, store, spool, next, dirs);
      }
    });
    Thread.currentThread().join(); // runs until killed
  }

  /** {@code dirs} > 1 spreads the keys over that many directories (a stream's chunks each). */
  private static void loop(Vertx vertx, FsObjectStore store, Path spool, long[] next, int dirs) {
    long i = next[0]++;
    byte[] data = content(i);
    String key = i % 5 == 0 ? "crash/shared" : "crash/objects/" + (dirs > 1 ? "d" + i % dirs + "/" : "")
        + String.format("%012d", i);
    Future<Void> put;
    if (i % 2 == 0) {
      put = store.put(key, Buffer.buffer(data));
    } else {
      Path f = spool.resolve(i + ".spool");
      put = vertx.fileSystem().writeFile(f.toString(), Buffer.buffer(data)).compose(v -> store.putFile(key, f));
    }
    put.onSuccess(v -> {
      System.out.println("OK " + key + " " + i);
      System.out.flush();
      loop(vertx, store, spool, next, dirs);
    }).onFailure(e -> {
      System.out.println("FAIL " + key + " " + e);
      System.out.flush();
    });
  }
}
