package io.vidlog.bench.soak;

import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vidlog.kvs.KvsTag;
import io.vidlog.media.mkv.MkvFrame;
import io.vidlog.media.mkv.MkvHandler;
import io.vidlog.media.mkv.MkvReader;
import io.vidlog.media.mkv.SimpleTag;
import io.vidlog.media.mkv.Tag;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * One GetMedia reader of a live stream (docs/wire-protocol.md §2), starting at {@code NOW} and
 * resuming after every end with its last continuation token, as the KVS parser library's readers
 * do. How it reads is its {@link Kind}. Each chunk is parsed with the MKV reader: a fragment counts
 * as received when its closing Tags (the continuation token) arrive, with the number of frames its
 * Cluster held; what it received, across all its responses, is checked against what the producer
 * got acked ({@link ReaderCheck}). All of it runs on the reader's own event-loop context.
 */
final class LiveReader {

  /** How a reader treats its responses. */
  enum Kind {
    /** Reads as fast as the bytes come. */
    NORMAL,
    /** Reads for a while, then stops reading with the connection open, then reads again, in a loop. */
    STOPPED,
    /** Reads at {@link #SLOW_BYTES_PER_SECOND}, whatever the stream's rate. */
    SLOW,
    /** Reads one to three fragments, then drops the connection and reconnects with its token, in a loop. */
    RECONNECTING
  }

  static final int SLOW_BYTES_PER_SECOND = 10_000;
  private static final long TICK_MS = 100;

  final Kind kind;
  final String stream;
  private final SignedClient client;
  private final Context context;
  private final long readMillis;
  private final long stopMillis;
  /** Fragment numbers received whole, in order, with their frame counts. */
  final List<String> fragments = java.util.Collections.synchronizedList(new ArrayList<>());
  final List<Integer> frameCounts = java.util.Collections.synchronizedList(new ArrayList<>());
  final LongAdder bytes = new LongAdder();
  /** Responses that ended cleanly (a live reader's response ends only when it is cut off: the stream never idles). */
  volatile int ends;
  /** Responses broken by the connection (not by this reader). */
  volatile int resets;
  volatile int errorChunks;
  /** GetMedia calls refused, or that failed before a response. */
  volatile int refused;
  volatile int responses;
  volatile String firstProblem;
  /** How many fragments its stream's producer had acked when the readers were told to finish. */
  volatile int ackedAtFinish;
  private String token;
  private Leg leg;
  private boolean running;
  private long allowance;

  /** One response: its parser and state; events of an older one are ignored. */
  private final class Leg implements MkvHandler {
    final MkvReader parser = new MkvReader(this);
    HttpClientResponse response;
    String number;
    int frames;
    boolean paused;
    boolean droppedByUs;
    int wanted = 1 + ThreadLocalRandom.current().nextInt(3);

    @Override
    public void onTags(List<Tag> tags, ByteBuffer raw) {
      String token = null;
      for (Tag t : tags) {
        for (SimpleTag s : t.simpleTags()) {
          switch (s.name()) {
            case KvsTag.FRAGMENT_NUMBER -> {
              number = s.value();
              frames = 0;
            }
            case KvsTag.CONTINUATION_TOKEN -> token = s.value();
            case KvsTag.ERROR_CODE -> problem(true, "error chunk " + s.value() + " after " + LiveReader.this.token);
            default -> { }
          }
        }
      }
      if (token != null) {
        fragmentEnded(this, token);
      }
    }

    @Override
    public void onFrame(MkvFrame frame) {
      frames++;
    }
  }

  LiveReader(Kind kind, String stream, SignedClient client, long readMillis, long stopMillis) {
    this.kind = kind;
    this.stream = stream;
    this.client = client;
    this.context = ((VertxInternal) client.vertx).createEventLoopContext();
    this.readMillis = readMillis;
    this.stopMillis = stopMillis;
  }

  void start() {
    context.runOnContext(v -> {
      running = true;
      if (kind == Kind.SLOW) {
        client.vertx.setPeriodic(TICK_MS, id -> tick(id));
      }
      connect();
    });
  }

  /** Stops reconnecting and reads what is left at full speed; the current response ends or goes on. */
  void release() {
    context.runOnContext(v -> {
      running = false;
      if (leg != null && leg.response != null) {
        leg.paused = false;
        leg.response.resume();
      }
    });
  }

  /** Drops the connection. */
  void close() {
    context.runOnContext(v -> {
      running = false;
      if (leg != null && leg.response != null) {
        leg.droppedByUs = true;
        leg.response.request().connection().close();
      }
    });
  }

  /** Whether a response is open now (after {@link #release}: the response was not cut off). */
  boolean open() {
    Leg l = leg;
    return l != null && l.response != null;
  }

  private void connect() {
    if (!running) {
      return;
    }
    JsonObject selector = token == null ? new JsonObject().put("StartSelectorType", "NOW")
        : new JsonObject().put("StartSelectorType", "CONTINUATION_TOKEN").put("ContinuationToken", token);
    Leg l = new Leg();
    leg = l;
    client.post("/getMedia", new JsonObject().put("StreamName", stream).put("StartSelector", selector))
        .onComplete(ar -> {
          if (leg != l) {
            return;
          }
          if (ar.failed() || ar.result().statusCode() != 200) {
            refused++;
            if (ar.failed()) {
              problem(false, "GetMedia failed: " + ar.cause());
            } else {
              ar.result().body().onSuccess(b -> problem(false, "GetMedia answered " + ar.result().statusCode() + " " + b));
            }
            leg = null;
            client.vertx.setTimer(500, t -> connect());
            return;
          }
          if (!running) { // told to finish while the call was on its way
            ar.result().exceptionHandler(e -> { });
            ar.result().request().connection().close();
            leg = null;
            return;
          }
          responses++;
          opened(l, ar.result());
        });
  }

  private void opened(Leg l, HttpClientResponse resp) {
    l.response = resp;
    resp.handler(b -> received(l, b));
    resp.endHandler(v -> ended(l, true));
    resp.exceptionHandler(e -> ended(l, false));
    if (kind == Kind.SLOW) {
      pause(l);
    } else if (kind == Kind.STOPPED) {
      client.vertx.setTimer(readMillis, t -> stopCycle(l));
    }
  }

  /** STOPPED: stop reading for {@code stopMillis}, then read again for {@code readMillis}, while the response lasts. */
  private void stopCycle(Leg l) {
    if (leg != l || l.response == null || !running) {
      return;
    }
    pause(l);
    client.vertx.setTimer(stopMillis, t -> {
      if (leg == l && l.response != null && running) {
        l.paused = false;
        l.response.resume();
        client.vertx.setTimer(readMillis, t2 -> stopCycle(l));
      }
    });
  }

  private void pause(Leg l) {
    l.paused = true;
    l.response.pause();
  }

  private void received(Leg l, Buffer b) {
    if (leg != l) {
      return;
    }
    bytes.add(b.length());
    l.parser.feed(((io.vertx.core.internal.buffer.BufferInternal) b).getByteBuf().nioBuffer());
    if (kind == Kind.SLOW && running) {
      allowance -= b.length();
      if (allowance <= 0 && !l.paused) {
        pause(l);
      }
    }
  }

  /** SLOW: {@link #SLOW_BYTES_PER_SECOND} a second, handed out every tick. */
  private void tick(long timerId) {
    if (!running) {
      client.vertx.cancelTimer(timerId);
      return;
    }
    allowance = Math.min(allowance + SLOW_BYTES_PER_SECOND * TICK_MS / 1000, SLOW_BYTES_PER_SECOND);
    Leg l = leg;
    if (allowance > 0 && l != null && l.response != null && l.paused) {
      l.paused = false;
      l.response.resume();
    }
  }

  private void fragmentEnded(Leg l, String continuation) {
    token = continuation;
    if (l.number != null) {
      fragments.add(l.number);
      frameCounts.add(l.frames);
    }
    l.number = null;
    if (kind == Kind.RECONNECTING && --l.wanted == 0 && running) {
      l.droppedByUs = true;
      l.response.request().connection().close();
    }
  }

  private void ended(Leg l, boolean clean) {
    if (leg != l) {
      return;
    }
    if (!l.droppedByUs) {
      if (clean) {
        ends++;
      } else {
        resets++;
      }
    }
    l.response = null;
    leg = null;
    connect();
  }

  private void problem(boolean errorChunk, String what) {
    if (errorChunk) {
      errorChunks++;
    }
    if (firstProblem == null) {
      firstProblem = stream + " (" + kind + "): " + what;
    }
  }
}
