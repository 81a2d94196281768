package io.vidlog.server.cluster;

import io.vertx.core.json.JsonObject;
import io.vidlog.server.keys.AdminCredentials;
import io.vidlog.server.media.MediaClients;
import java.math.BigInteger;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * One camera of the kill loop: streams the fixture at its own pace over one long PutMedia
 * connection to the server's fixed ingest address and, whenever that connection is refused or
 * breaks (the server was killed), connects again after a short back-off, as a camera does. It
 * records every PERSISTED ack in arrival order and every ERROR ack.
 */
final class KillLoopCamera {
  /** Copies of the fixture per connection (3 s each): a connection outlives any interval between kills. */
  private static final int COPIES = 1_000;
  private static final long BACK_OFF_NANOS = 100_000_000L;

  final String stream;
  private final URI ingest;
  private final AdminCredentials admin;
  private final byte[] mkv;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread thread;
  /** PERSISTED fragment numbers in the order the acks arrived, across every connection. */
  private final List<String> persisted = new CopyOnWriteArrayList<>();
  final List<String> errors = new CopyOnWriteArrayList<>();
  /** Acks whose fragment number was not above every number acked before on this stream. */
  final List<String> backwards = new CopyOnWriteArrayList<>();
  final AtomicInteger connections = new AtomicInteger();
  private BigInteger highest = BigInteger.valueOf(-1);

  KillLoopCamera(String stream, URI ingest, AdminCredentials admin, byte[] mkv) {
    this.stream = stream;
    this.ingest = ingest;
    this.admin = admin;
    this.mkv = mkv;
    this.thread = new Thread(this::run, "camera-" + stream);
  }

  void start() {
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    while (running.get()) {
      try {
        connections.incrementAndGet();
        MediaClients.putMediaPaced(ingest, admin, stream, mkv, COPIES, this::ack);
      } catch (Exception | AssertionError e) {
        // refused while the server is down, or reset by the kill: connect again
        LockSupport.parkNanos(BACK_OFF_NANOS);
      }
    }
  }

  private synchronized void ack(String line) {
    JsonObject ack = new JsonObject(line);
    String type = ack.getString("EventType");
    if ("PERSISTED".equals(type)) {
      String number = ack.getString("FragmentNumber");
      BigInteger value = new BigInteger(number);
      if (value.compareTo(highest) <= 0) {
        backwards.add(number + " after " + highest);
      }
      highest = highest.max(value);
      persisted.add(number);
    } else if ("ERROR".equals(type)) {
      errors.add(line);
    }
  }

  /** How many PERSISTED acks arrived so far. */
  int persistedCount() {
    return persisted.size();
  }

  List<String> persisted() {
    return new ArrayList<>(persisted);
  }

  /**
   * Stops connecting again; the connection in progress ends with the server (the loop stops the
   * server right after).
   */
  void stopReconnecting() {
    running.set(false);
  }

  void join() throws InterruptedException {
    thread.join(120_000);
    if (thread.isAlive()) {
      throw new AssertionError(thread.getName() + " did not end after the server stopped");
    }
  }
}
