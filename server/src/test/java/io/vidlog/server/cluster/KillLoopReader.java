package io.vidlog.server.cluster;

import io.vidlog.server.keys.AdminCredentials;
import io.vidlog.server.media.KvsStream;
import io.vidlog.server.media.MediaClients;
import java.math.BigInteger;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.kinesisvideomedia.KinesisVideoMediaClient;
import software.amazon.awssdk.services.kinesisvideomedia.model.GetMediaResponse;
import software.amazon.awssdk.services.kinesisvideomedia.model.StartSelector;
import software.amazon.awssdk.services.kinesisvideomedia.model.StartSelectorType;

/**
 * A live GetMedia reader of the kill loop, as a KVS consumer runs one (AWS SDK v2, parsed by the
 * KVS parser library): it starts at NOW and, whenever its response ends or breaks (the server was
 * killed), resumes with the continuation token of the last fragment it read whole
 * (docs/wire-protocol.md §2). A token the restarted server refuses is recorded as a failure; so is a
 * fragment that does not follow the one before it.
 */
final class KillLoopReader {
  private static final long BACK_OFF_NANOS = 100_000_000L;

  final String stream;
  private final URI url;
  private final AdminCredentials admin;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread thread;
  private volatile ResponseInputStream<GetMediaResponse> body;
  private String token;
  private BigInteger last = BigInteger.valueOf(-1);
  final AtomicInteger fragments = new AtomicInteger();
  /** Responses that began from a continuation token. */
  final AtomicInteger resumed = new AtomicInteger();
  final List<String> failures = new CopyOnWriteArrayList<>();

  KillLoopReader(String stream, URI url, AdminCredentials admin) {
    this.stream = stream;
    this.url = url;
    this.admin = admin;
    this.thread = new Thread(this::run, "reader-" + stream);
  }

  void start() {
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    while (running.get()) {
      String from = token;
      StartSelector selector = from == null ? StartSelector.builder().startSelectorType(StartSelectorType.NOW).build()
          : StartSelector.builder().startSelectorType(StartSelectorType.CONTINUATION_TOKEN).continuationToken(from)
              .build();
      try (KinesisVideoMediaClient media = MediaClients.media(url, admin.accessKeyId(), admin.secretAccessKey())) {
        body = media.getMedia(r -> r.streamName(stream).startSelector(selector));
        if (from != null) {
          resumed.incrementAndGet();
        }
        KvsStream.read(body, k -> !running.get(), this::read);
      } catch (AwsServiceException e) {
        if (running.get()) {
          failures.add("GetMedia from " + (from == null ? "NOW" : "token " + from) + " answered " + e.statusCode()
              + " " + e.awsErrorDetails().errorCode() + ": " + e.getMessage());
        }
      } catch (Exception e) {
        // refused while the server is down, or cut by the kill: resume from the token
      }
      LockSupport.parkNanos(BACK_OFF_NANOS);
    }
  }

  private void read(KvsStream.Chunk chunk) {
    BigInteger n = new BigInteger(chunk.number());
    if (n.compareTo(last) <= 0) {
      failures.add("fragment " + chunk.number() + " after " + last + " (resumed from " + token + ")");
    }
    if (chunk.frames.isEmpty()) {
      failures.add("fragment " + chunk.number() + " without frames");
    }
    last = last.max(n);
    token = chunk.token();
    fragments.incrementAndGet();
  }

  void stop() throws InterruptedException {
    running.set(false);
    ResponseInputStream<GetMediaResponse> b = body;
    if (b != null) {
      b.abort(); // a live response blocks until the next frame
    }
    thread.join(60_000);
    if (thread.isAlive()) {
      throw new AssertionError(thread.getName() + " did not stop");
    }
  }
}
