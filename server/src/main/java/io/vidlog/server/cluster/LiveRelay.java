package io.vidlog.server.cluster;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.FragmentRecord;
import io.vidlog.fragmentstore.index.ObjectStoreTimeIndex;
import io.vidlog.fragmentstore.live.LiveEvent;
import io.vidlog.fragmentstore.live.LiveFeed;
import io.vidlog.fragmentstore.live.LiveFeeds;
import io.vidlog.fragmentstore.live.LiveSubscription;
import io.vidlog.fragmentstore.streams.StreamInfo;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live frames and new index entries between the nodes of a cluster, over the clustered event bus
 * (docs/cluster.md §Reads from any node).
 *
 * <ul>
 *   <li>A node where live readers of a stream subscribe ({@link #feeds}) registers one consumer of
 *       {@code vidlog.live.<streamId>} at the first (one per stream per node, however many readers),
 *       announces it ({@link LiveInterest}) and publishes what arrives into its local feed, which
 *       fans it out to its readers with their own bounded queues and cuts off the slow ones, as on
 *       the owner. {@link #LINGER_MS} after its last reader went, it unregisters the consumer and
 *       withdraws the announcement (a reader that re-subscribes at once, as GetMedia does after a
 *       rewind and HLS does for each part, keeps the relay).</li>
 *   <li>The owner of a stream subscribes to its own live feed and publishes every event to that
 *       address ({@link LiveEventCodec}) only while another node announces it: from the next
 *       fragment that starts, so remote readers begin at a fragment start, as GetMedia NOW does.
 *       Frames of a fragment that began before a node's consumer did are dropped by that node's
 *       feed likewise.</li>
 *   <li>After each PERSISTED, the owner publishes the fragment's index record to
 *       {@code vidlog.indexed}; every other node adds it to the stream's index if it has it
 *       loaded ({@link ObjectStoreTimeIndex#follow}), so ListFragments and HLS there see it at
 *       once. These go to every node whether or not it reads the stream live.</li>
 * </ul>
 * Messages carry the sending member's id; a node ignores its own, and ignores a stream's relayed
 * events while it owns the stream itself (its ingest publishes into the same feed). The relay's
 * state changes on one context.
 */
final class LiveRelay {
  private static final Logger LOG = LoggerFactory.getLogger(LiveRelay.class);
  static final String LIVE = "vidlog.live.";
  static final String INDEXED = "vidlog.indexed";
  private static final String FROM = "vidlog-from";
  /** How long a node keeps relaying a stream after its last local reader went. */
  static final long LINGER_MS = 5_000;

  private final Vertx vertx;
  private final Context context;
  private final String me;
  private final StreamOwners owners;
  private final LiveInterest interest;
  private final LiveFeeds local;
  private final long lingerMs;
  private final DeliveryOptions from;
  /** Streams this node owns and publishes, while another node relays them. */
  private final ConcurrentHashMap<String, LiveSubscription> publishing = new ConcurrentHashMap<>();
  /** Streams this node relays to its readers: its consumer of each. */
  private final ConcurrentHashMap<String, MessageConsumer<Buffer>> relaying = new ConcurrentHashMap<>();
  /**
   * Live subscriptions of local readers per stream; a stream's entry goes with its last reader
   * (a node serves readers of ever more streams over its life, and each entry would stay).
   */
  private final ConcurrentHashMap<String, Integer> readers = new ConcurrentHashMap<>();
  /** Streams whose relay stops when its linger timer fires (no reader came back). */
  private final ConcurrentHashMap<String, Long> stopping = new ConcurrentHashMap<>();
  private final LongAdder framesPublished = new LongAdder();

  LiveRelay(Vertx vertx, String me, StreamOwners owners, LiveInterest interest, LiveFeeds local,
      ObjectStoreTimeIndex index) {
    this(vertx, me, owners, interest, local, index, LINGER_MS);
  }

  LiveRelay(Vertx vertx, String me, StreamOwners owners, LiveInterest interest, LiveFeeds local,
      ObjectStoreTimeIndex index, long lingerMs) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.me = me;
    this.owners = owners;
    this.interest = interest;
    this.local = local;
    this.lingerMs = lingerMs;
    this.from = new DeliveryOptions().addHeader(FROM, me);
    vertx.eventBus().<JsonObject>consumer(INDEXED, msg -> {
      if (!me.equals(msg.headers().get(FROM))) {
        JsonObject r = msg.body();
        index.follow(r.getString("stream"), new FragmentRecord(new FragmentNumber(r.getString("number")),
            r.getLong("server"), r.getLong("producer"), r.getLong("duration"), r.getLong("size"), r.getInteger("tracks"),
            r.getBoolean("metadata")));
      }
    });
    interest.onChange(streamId -> context.runOnContext(v -> publishIfRead(streamId)));
  }

  /** The live feeds as readers on this node see them: the local ones, fed from the owner's node. */
  LiveFeeds feeds() {
    return new LiveFeeds() {
      @Override
      public LiveFeed feed(String streamId) {
        return new ReaderFeed(streamId);
      }

      @Override
      public void drop(String streamId) {
        context.runOnContext(v -> stopRelay(streamId));
        local.drop(streamId);
      }
    };
  }

  /** A stream's local feed as a reader holds it: its subscriptions are counted. */
  private final class ReaderFeed implements LiveFeed {
    private final String streamId;

    ReaderFeed(String streamId) {
      this.streamId = streamId;
    }

    @Override
    public void publish(LiveEvent.FragmentStart start) {
      local.feed(streamId).publish(start);
    }

    @Override
    public void publish(LiveEvent.Frame frame) {
      local.feed(streamId).publish(frame);
    }

    @Override
    public void publishImmutable(LiveEvent.Frame frame) {
      local.feed(streamId).publishImmutable(frame);
    }

    @Override
    public void publish(LiveEvent.FragmentEnd end) {
      local.feed(streamId).publish(end);
    }

    @Override
    public void publish(LiveEvent.FragmentAborted aborted) {
      local.feed(streamId).publish(aborted);
    }

    @Override
    public LiveSubscription subscribe(FragmentNumber position, Handler<LiveEvent> events, Handler<CutOff> cutOff) {
      readers.merge(streamId, 1, Integer::sum);
      context.runOnContext(v -> settle(streamId));
      AtomicBoolean ended = new AtomicBoolean();
      Runnable release = () -> {
        if (ended.compareAndSet(false, true)) {
          readers.computeIfPresent(streamId, (id, n) -> n == 1 ? null : n - 1);
          context.runOnContext(v -> settle(streamId));
        }
      };
      LiveSubscription sub = local.feed(streamId).subscribe(position, events, c -> {
        release.run();
        cutOff.handle(c);
      });
      return new LiveSubscription() {
        @Override
        public void pause() {
          sub.pause();
        }

        @Override
        public void resume() {
          sub.resume();
        }

        @Override
        public void cancel() {
          sub.cancel();
          release.run();
        }
      };
    }

    @Override
    public FragmentNumber lastEnded() {
      return local.feed(streamId).lastEnded();
    }
  }

  /** On the relay's context: relays a stream with local readers, stops a linger after its last went. */
  private void settle(String streamId) {
    boolean read = readers.containsKey(streamId);
    if (read && !relaying.containsKey(streamId)) {
      startRelay(streamId);
    } else if (!read && relaying.containsKey(streamId) && !stopping.containsKey(streamId)) {
      stopping.put(streamId, vertx.setTimer(lingerMs, t -> {
        stopping.remove(streamId);
        if (!readers.containsKey(streamId)) {
          stopRelay(streamId);
        }
      }));
    }
  }

  private void startRelay(String streamId) {
    MessageConsumer<Buffer> consumer = vertx.eventBus().consumer(LIVE + streamId, msg -> {
      if (me.equals(msg.headers().get(FROM)) || owners.owns(streamId)) {
        return;
      }
      LiveEvent event;
      try {
        event = LiveEventCodec.decode(msg.body());
      } catch (RuntimeException e) {
        LOG.warn("stream {}: dropped a live event from another node that does not decode: {}", streamId, e.toString());
        return;
      }
      LiveFeed feed = local.feed(streamId);
      if (event instanceof LiveEvent.FragmentStart s) {
        feed.publish(s);
      } else if (event instanceof LiveEvent.Frame f) {
        feed.publishImmutable(f);
      } else if (event instanceof LiveEvent.FragmentEnd e) {
        feed.publish(e);
      } else {
        feed.publish((LiveEvent.FragmentAborted) event);
      }
    });
    relaying.put(streamId, consumer);
    // announced once the consumer is known to the cluster, so the owner's first event reaches it
    consumer.completion().onComplete(ar -> context.runOnContext(v -> {
      if (relaying.get(streamId) == consumer) {
        interest.announce(streamId);
      }
    }));
  }

  private void stopRelay(String streamId) {
    MessageConsumer<Buffer> consumer = relaying.remove(streamId);
    if (consumer != null) {
      interest.withdraw(streamId);
      consumer.unregister();
    }
  }

  /** This node owns the stream now: its feed's events go to the other nodes while one of them reads it. */
  void owned(String streamId) {
    context.runOnContext(v -> publishIfRead(streamId));
  }

  /** Another node owns the stream now: this node stops publishing its events. */
  void lost(String streamId) {
    context.runOnContext(v -> publishIfRead(streamId));
  }

  /** On the relay's context: publishes a stream's events while this node owns it and another node relays it. */
  private void publishIfRead(String streamId) {
    boolean wanted = owners.owns(streamId) && interest.elsewhere(streamId);
    LiveSubscription current = publishing.get(streamId);
    if (!wanted) {
      if (current != null) {
        publishing.remove(streamId);
        current.cancel();
      }
      return;
    }
    if (current != null) {
      return;
    }
    String address = LIVE + streamId;
    LiveSubscription[] sub = new LiveSubscription[1];
    sub[0] = local.feed(streamId).subscribe(null, event -> {
      if (event instanceof LiveEvent.Frame) {
        framesPublished.increment();
      }
      vertx.eventBus().publish(address, LiveEventCodec.encode(event), from);
    }, cutOff -> {
      publishing.remove(streamId, sub[0]);
      if (cutOff.reason() == LiveFeed.CutOff.Reason.SHUTDOWN || cutOff.reason() == LiveFeed.CutOff.Reason.STREAM_DELETED) {
        return;
      }
      // the event bus fell behind the stream: start again at the next fragment
      LOG.warn("stream {}: relaying live events to other nodes was cut off ({}); resuming at the next fragment",
          streamId, cutOff.reason());
      publishIfRead(streamId);
    });
    publishing.put(streamId, sub[0]);
  }

  /** Counters on /metrics: frames this node published for other nodes, streams published and relayed now. */
  void bind(MeterRegistry registry) {
    FunctionCounter.builder("vidlog.cluster.live.frames.published", framesPublished, LongAdder::sum)
        .description("live frames this node (a stream's owner) published on the event bus for other nodes")
        .register(registry);
    Gauge.builder("vidlog.cluster.live.streams.published", publishing, Map::size)
        .description("streams whose live events this node publishes for other nodes now").register(registry);
    Gauge.builder("vidlog.cluster.live.streams.relayed", relaying, Map::size)
        .description("streams whose live events this node receives from their owner for its readers now")
        .register(registry);
  }

  long framesPublished() {
    return framesPublished.sum();
  }

  boolean publishes(String streamId) {
    return publishing.containsKey(streamId);
  }

  boolean relays(String streamId) {
    return relaying.containsKey(streamId);
  }

  /** Streams with live readers on this node now. */
  int readStreams() {
    return readers.size();
  }

  /** The owner indexed a fragment: the other nodes add it to their loaded index of the stream. */
  void indexed(StreamInfo stream, FragmentRecord r) {
    vertx.eventBus().publish(INDEXED, new JsonObject().put("stream", stream.streamId()).put("number",
        r.number().value()).put("server", r.serverTimestampMillis()).put("producer", r.producerTimestampMillis())
        .put("duration", r.durationMillis()).put("size", r.sizeBytes()).put("tracks", r.trackMask())
        .put("metadata", r.hasMetadata()), from);
  }
}
