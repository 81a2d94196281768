package io.vidlog.server.cluster;

import io.vertx.core.Context;
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
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live frames and new index entries between the nodes of a cluster, over the clustered event bus
 * (docs/architecture.md §Scale-out).
 *
 * <ul>
 *   <li>The owner of a stream subscribes once to its own live feed and publishes every event to
 *       {@code vidlog.live.<streamId>} ({@link LiveEventCodec}).</li>
 *   <li>A node where a reader asks for a stream's feed ({@link #feeds}) registers one consumer of
 *       that address (one per stream per node, however many readers) and publishes what arrives
 *       into its local feed, which fans it out to its readers with their own bounded queues and
 *       cuts off the slow ones, as on the owner. Frames of a fragment that began before the
 *       consumer did are dropped by the feed: such a reader starts at the next fragment, as
 *       GetMedia NOW does.</li>
 *   <li>After each PERSISTED, the owner publishes the fragment's index record to
 *       {@code vidlog.indexed}; every other node adds it to the stream's index if it has it
 *       loaded ({@link ObjectStoreTimeIndex#follow}), so ListFragments and HLS there see it at
 *       once.</li>
 * </ul>
 * Messages carry the sending member's id; a node ignores its own, and ignores a stream's relayed
 * events while it owns the stream itself (its ingest publishes into the same feed).
 */
final class LiveRelay {
  private static final Logger LOG = LoggerFactory.getLogger(LiveRelay.class);
  static final String LIVE = "vidlog.live.";
  static final String INDEXED = "vidlog.indexed";
  private static final String FROM = "vidlog-from";

  private final Vertx vertx;
  private final Context context;
  private final String me;
  private final StreamOwners owners;
  private final LiveFeeds local;
  private final ObjectStoreTimeIndex index;
  private final DeliveryOptions from;
  private final ConcurrentHashMap<String, LiveSubscription> publishing = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, MessageConsumer<Buffer>> relaying = new ConcurrentHashMap<>();

  LiveRelay(Vertx vertx, String me, StreamOwners owners, LiveFeeds local, ObjectStoreTimeIndex index) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.me = me;
    this.owners = owners;
    this.local = local;
    this.index = index;
    this.from = new DeliveryOptions().addHeader(FROM, me);
    vertx.eventBus().<JsonObject>consumer(INDEXED, msg -> {
      if (!me.equals(msg.headers().get(FROM))) {
        JsonObject r = msg.body();
        index.follow(r.getString("stream"), new FragmentRecord(new FragmentNumber(r.getString("number")),
            r.getLong("server"), r.getLong("producer"), r.getLong("duration"), r.getLong("size"), r.getInteger("tracks"),
            r.getBoolean("metadata")));
      }
    });
  }

  /** The live feeds as readers on this node see them: the local ones, fed from the owner's node. */
  LiveFeeds feeds() {
    return new LiveFeeds() {
      @Override
      public LiveFeed feed(String streamId) {
        relayFrom(streamId);
        return local.feed(streamId);
      }

      @Override
      public void drop(String streamId) {
        MessageConsumer<Buffer> c = relaying.remove(streamId);
        if (c != null) {
          c.unregister();
        }
        local.drop(streamId);
      }
    };
  }

  private void relayFrom(String streamId) {
    relaying.computeIfAbsent(streamId, id -> vertx.eventBus().<Buffer>consumer(LIVE + id, msg -> {
      if (me.equals(msg.headers().get(FROM)) || owners.owns(id)) {
        return;
      }
      LiveEvent event;
      try {
        event = LiveEventCodec.decode(msg.body());
      } catch (RuntimeException e) {
        LOG.warn("stream {}: dropped a live event from another node that does not decode: {}", id, e.toString());
        return;
      }
      LiveFeed feed = local.feed(id);
      if (event instanceof LiveEvent.FragmentStart s) {
        feed.publish(s);
      } else if (event instanceof LiveEvent.Frame f) {
        feed.publishImmutable(f);
      } else if (event instanceof LiveEvent.FragmentEnd e) {
        feed.publish(e);
      } else {
        feed.publish((LiveEvent.FragmentAborted) event);
      }
    }));
  }

  /** This node owns the stream now: its feed's events go to the other nodes. */
  void owned(String streamId) {
    context.runOnContext(v -> {
      if (publishing.containsKey(streamId) || !owners.owns(streamId)) {
        return;
      }
      String address = LIVE + streamId;
      LiveSubscription sub = local.feed(streamId).subscribe(null,
          event -> vertx.eventBus().publish(address, LiveEventCodec.encode(event), from),
          cutOff -> {
            // the event bus fell behind the stream: start again at the next fragment
            publishing.remove(streamId);
            LOG.warn("stream {}: relaying live events to other nodes was cut off ({}); resuming at the next fragment",
                streamId, cutOff.reason());
            owned(streamId);
          });
      publishing.put(streamId, sub);
    });
  }

  /** Another node owns the stream now: this node stops publishing its events. */
  void lost(String streamId) {
    context.runOnContext(v -> {
      LiveSubscription sub = publishing.remove(streamId);
      if (sub != null) {
        sub.cancel();
      }
    });
  }

  /** The owner indexed a fragment: the other nodes add it to their loaded index of the stream. */
  void indexed(StreamInfo stream, FragmentRecord r) {
    vertx.eventBus().publish(INDEXED, new JsonObject().put("stream", stream.streamId()).put("number",
        r.number().value()).put("server", r.serverTimestampMillis()).put("producer", r.producerTimestampMillis())
        .put("duration", r.durationMillis()).put("size", r.sizeBytes()).put("tracks", r.trackMask())
        .put("metadata", r.hasMetadata()), from);
  }
}
