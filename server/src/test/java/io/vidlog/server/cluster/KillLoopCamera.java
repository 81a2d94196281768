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
 * One camera of the kill loop: streams at its own pace to the server's fixed ingest address and,
 * whenever its connection is refused or breaks (the server was killed), connects again after a
 * short back-off, as a camera does. An MKV camera sends the fixture over and over on one long
 * PutMedia connection; an MP4 camera uploads a 3 s MP4 per connection (docs/wire-protocol.md §1.1
 * "MP4 body"), fragmented (converted as it arrives) or progressive (spooled until its moov, then
 * converted), and connects again for the next. It records every PERSISTED ack in arrival order and
 * every ERROR ack.
 */
final class KillLoopCamera {
  /** What the camera uploads. */
  enum Format { MKV, FRAGMENTED_MP4, PROGRESSIVE_MP4 }

  /** The MP4 fixtures' key frame interval: one moof+mdat pair per second (media/README.md). */
  private static final long MP4_FRAGMENT_MILLIS = 1_000;
  /** Copies of the fixture per connection (3 s each): a connection outlives any interval between kills. */
  private static final int COPIES = 1_000;
  private static final long BACK_OFF_NANOS = 100_000_000L;

  final String stream;
  private final URI ingest;
  private final AdminCredentials admin;
  final Format format;
  private final byte[] media;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread thread;
  /** PERSISTED fragment numbers in the order the acks arrived, across every connection. */
  private final List<String> persisted = new CopyOnWriteArrayList<>();
  final List<String> errors = new CopyOnWriteArrayList<>();
  /** Acks whose fragment number was not above every number acked before on this stream. */
  final List<String> backwards = new CopyOnWriteArrayList<>();
  final AtomicInteger connections = new AtomicInteger();
  /** True while a connection is open (set before connecting, cleared when it ends): for the record. */
  volatile boolean connected;
  private BigInteger highest = BigInteger.valueOf(-1);

  KillLoopCamera(String stream, URI ingest, AdminCredentials admin, Format format) throws Exception {
    this.stream = stream;
    this.ingest = ingest;
    this.admin = admin;
    this.format = format;
    this.media = MediaClients.resource(switch (format) {
      case MKV -> "ffmpeg-live-av.mkv";
      case FRAGMENTED_MP4 -> "fmp4-h264-aac.mp4";
      case PROGRESSIVE_MP4 -> "progressive-h264-aac.mp4";
    });
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
        connected = true;
        if (format == Format.MKV) {
          MediaClients.putMediaPaced(ingest, admin, stream, media, COPIES, this::ack);
        } else {
          MediaClients.putMp4Paced(ingest, admin, stream, media, MP4_FRAGMENT_MILLIS, this::ack);
        }
        connected = false;
      } catch (Exception | AssertionError e) {
        connected = false;
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
