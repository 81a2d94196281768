package io.vidlog.bench.ingest;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * One producer's PutMedia connection in the load generator: a chunked POST opened on its own
 * event-loop context (every write and every ack of the upload runs there), and the ack stream parsed
 * line by line (docs/wire-protocol.md §1.3). The latency of a fragment runs from the moment its last byte was
 * handed to the connection ({@link #lastByteWritten}) to its PERSISTED ack.
 */
public final class Upload {
  /** Told of each measured fragment's latency as its PERSISTED ack arrives (on the upload's context). */
  public interface LatencySink {
    void persisted(String stream, long latencyNanos);
  }

  final String stream;
  final Context context;
  final LongAdder persisted = new LongAdder();
  final LongAdder errors = new LongAdder();
  /** The fragment numbers acked PERSISTED, in ack order. */
  private final List<String> persistedNumbers = new ArrayList<>();
  private volatile LatencySink sink;
  private volatile boolean headerSent;
  private final Map<Long, Long> lastByteNanos = new ConcurrentHashMap<>();
  private final List<Long> latenciesNanos = new ArrayList<>();
  private final StringBuilder line = new StringBuilder();
  private volatile long measureFromNanos = Long.MAX_VALUE;
  private volatile String firstError;
  HttpClientRequest request;
  /** The connection's Netty channel: its writability and outbound bytes, which Vert.x's write queue does not show. */
  io.netty.channel.Channel channel;

  private Upload(String stream, Context context) {
    this.stream = stream;
    this.context = context;
  }

  /** Opens {@code path} on a new event-loop context of {@code vertx}. */
  static Future<Upload> open(Vertx vertx, HttpClient client, Target target, String path, String stream) {
    return open(vertx, client, target, path, stream, Map.of());
  }

  /**
   * As {@link #open(Vertx, HttpClient, Target, String, String)}, sending {@code headers} too (a
   * signed request's {@code authorization}, {@code x-amz-date} ...; they must sign the stream name
   * and timecode type headers this adds).
   */
  public static Future<Upload> open(Vertx vertx, HttpClient client, Target target, String path, String stream,
      Map<String, String> headers) {
    // A new event-loop context per upload (round robin over the loops): getOrCreateContext() on a
    // non-Vert.x thread would put every upload on one loop, i.e. one core.
    Upload u = new Upload(stream, ((io.vertx.core.internal.VertxInternal) vertx).createEventLoopContext());
    Promise<Upload> opened = Promise.promise();
    u.context.runOnContext(v -> client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost(target.host())
        .setPort(target.port()).setURI(path)).onComplete(ar -> {
          if (ar.failed()) {
            opened.fail(ar.cause());
            return;
          }
          HttpClientRequest req = ar.result();
          u.request = req;
          u.channel = ((io.vertx.core.net.impl.ConnectionBase) req.connection()).channel();
          req.setChunked(true).putHeader("x-amzn-stream-name", stream)
              .putHeader("x-amzn-fragment-timecode-type", "RELATIVE");
          headers.forEach(req::putHeader);
          req.response().onSuccess(resp -> {
            if (resp.statusCode() != 200) {
              u.error("HTTP " + resp.statusCode());
            }
            resp.handler(u::acks);
          }).onFailure(e -> u.error(String.valueOf(e)));
          req.exceptionHandler(e -> u.error(String.valueOf(e)));
          opened.complete(u);
        }));
    return opened.future();
  }

  /** Latencies count only for fragments whose last byte is written from now on. */
  public void measureFrom(long nanos) {
    measureFromNanos = nanos;
  }

  /** Call on this upload's context when a fragment's last byte was written. */
  void lastByteWritten(long fragmentTimecode) {
    lastByteNanos.put(fragmentTimecode, System.nanoTime());
  }

  /** Fragments written since {@link #measureFrom} whose last byte left before {@code cutoff} and have no PERSISTED yet. */
  public int unacked(long cutoffNanos) {
    long from = measureFromNanos;
    return (int) lastByteNanos.values().stream().filter(t -> t >= from && t < cutoffNanos).count();
  }

  public List<Long> latencies() {
    synchronized (latenciesNanos) {
      return new ArrayList<>(latenciesNanos);
    }
  }

  /** Encrypted and plain bytes waiting in the channel's outbound buffer (Netty's count, any thread). */
  long pendingOutboundBytes() {
    io.netty.channel.ChannelOutboundBuffer out = channel.unsafe().outboundBuffer();
    return out == null ? 0 : out.totalPendingWriteBytes();
  }

  public String firstError() {
    return firstError;
  }

  public String stream() {
    return stream;
  }

  public long errors() {
    return errors.sum();
  }

  /** Where each measured latency goes as well (null: only to {@link #latencies()}). */
  public void latencySink(LatencySink sink) {
    this.sink = sink;
  }

  /** The fragment numbers acked PERSISTED so far, in ack order. */
  public List<String> persistedNumbers() {
    synchronized (persistedNumbers) {
      return new ArrayList<>(persistedNumbers);
    }
  }

  /**
   * Sends the request's headers and the MKV stream header now (once): a server closes a connection
   * whose request headers do not arrive in time, and opening hundreds of TLS connections on a busy
   * machine takes longer than that.
   */
  public void sendStreamHeader() {
    if (!headerSent) {
      headerSent = true;
      request.write(BenchMkv.HEADER);
    }
  }

  /** Closes the upload's connection (the body unfinished: as a camera that loses power). */
  public void close() {
    context.runOnContext(v -> request.connection().close());
  }

  private void error(String what) {
    if (firstError == null) {
      firstError = stream + ": " + what;
    }
    errors.increment();
  }

  private void acks(Buffer b) {
    for (int i = 0; i < b.length(); i++) {
      char c = (char) b.getByte(i);
      if (c != '\n') {
        line.append(c);
        continue;
      }
      JsonObject ack = new JsonObject(line.toString());
      line.setLength(0);
      String type = ack.getString("EventType");
      if ("PERSISTED".equals(type)) {
        persisted.increment();
        synchronized (persistedNumbers) {
          persistedNumbers.add(ack.getString("FragmentNumber"));
        }
        Long sent = lastByteNanos.remove(ack.getLong("FragmentTimecode"));
        if (sent != null && sent >= measureFromNanos) {
          long latency = System.nanoTime() - sent;
          synchronized (latenciesNanos) {
            latenciesNanos.add(latency);
          }
          LatencySink s = sink;
          if (s != null) {
            s.persisted(stream, latency);
          }
        }
      } else if ("ERROR".equals(type)) {
        error("ERROR ack " + ack.encode());
      }
    }
  }

  /** Where the generator sends its uploads. */
  public record Target(String host, int port) {
    public static Target parse(String url) {
      java.net.URI u = java.net.URI.create(url);
      if (!"https".equals(u.getScheme()) || u.getHost() == null || u.getPort() < 0) {
        throw new IllegalArgumentException("--target must be https://HOST:PORT, not " + url);
      }
      return new Target(u.getHost(), u.getPort());
    }
  }
}
