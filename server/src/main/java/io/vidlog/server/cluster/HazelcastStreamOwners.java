package io.vidlog.server.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.kvs.KvsError;
import io.vidlog.kvs.KvsException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link StreamOwners} over the Hazelcast map {@code vidlog.stream-owners}: stream id → {@code
 * {"member":id,"epoch":n}}, changed only by compare-and-set, so two claims never both win; the
 * epoch of a stream only grows while the cluster lives. The map sits behind a split-brain
 * protection needing a majority of the expected nodes for reads and writes: {@link #confirm} on a
 * node cut off with a minority fails, which is the fence (docs/cluster.md §Fencing).
 *
 * <p>A claim from another node asks the current owner first, over the event bus
 * ({@code vidlog.owners.release.<member>}): the owner gives the stream up unless its producer is
 * active (the rule of one PutMedia connection per stream, docs/wire-protocol.md §1.4), as a second
 * connection on the same node is treated. An owner that is gone or does not answer is taken over.
 * Each node also keeps a local view of the map and of {@code vidlog.nodes}, updated by entry
 * listeners, for the answers that must not wait (which node writes a stream, GetDataEndpoint).
 */
final class HazelcastStreamOwners implements StreamOwners {
  private static final Logger LOG = LoggerFactory.getLogger(HazelcastStreamOwners.class);
  static final String RELEASE_ADDRESS = "vidlog.owners.release.";
  private static final long RELEASE_TIMEOUT_MS = 3_000;
  private static final int CLAIM_ATTEMPTS = 3;
  /**
   * How long after this node saw a member leave it waits before taking one of its streams. A member
   * cut off by a partition notices the loss of the majority (and stops confirming its ownership)
   * about when the majority notices it gone; both count missed heartbeats (1 s apart, 6 s allowed,
   * {@link HazelcastCluster}), so their views can differ by a heartbeat or two, plus the one chunk
   * write the cut-off owner may have in flight.
   */
  static final long TAKEOVER_GRACE_MS = 3_000;

  private final Vertx vertx;
  private final HazelcastInstance hz;
  private final BooleanSupplier quorum;
  private final IMap<String, String> owners;
  private final IMap<String, String> nodes;
  /** This member's id; Hazelcast gives a member a new one when it merges back after a partition. */
  private volatile String me;
  /** The epoch of each stream this node claimed and has not lost. */
  private final ConcurrentHashMap<String, Long> claimed = new ConcurrentHashMap<>();
  /** What this node last saw of the owners map and the nodes map. */
  private final ConcurrentHashMap<String, Owner> ownerView = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, JsonObject> nodeView = new ConcurrentHashMap<>();
  private final List<Consumer<String>> lostListeners = new CopyOnWriteArrayList<>();
  /** When this node saw each member leave (nanoTime), for {@link #TAKEOVER_GRACE_MS}. */
  private final ConcurrentHashMap<String, Long> removedAt = new ConcurrentHashMap<>();
  private volatile Predicate<String> releaser = id -> true;
  private volatile MessageConsumer<String> releaseConsumer;

  /** One entry of the owners map. */
  record Owner(String member, long epoch) {
    static Owner parse(String json) {
      if (json == null) {
        return null;
      }
      JsonObject o = new JsonObject(json);
      return new Owner(o.getString("member"), o.getLong("epoch"));
    }

    String json() {
      return new JsonObject().put("member", member).put("epoch", epoch).encode();
    }
  }

  HazelcastStreamOwners(Vertx vertx, HazelcastInstance hz, BooleanSupplier quorum, IMap<String, String> nodes) {
    this.vertx = vertx;
    this.hz = hz;
    this.quorum = quorum;
    this.owners = hz.getMap(HazelcastCluster.OWNERS);
    this.nodes = nodes;
    this.me = hz.getCluster().getLocalMember().getUuid().toString();
    nodes.addEntryListener((EntryAddedListener<String, String>) e -> nodeView.put(e.getKey(), new JsonObject(e.getValue())),
        true);
    nodes.addEntryListener((EntryUpdatedListener<String, String>) e -> nodeView.put(e.getKey(),
        new JsonObject(e.getValue())), true);
    nodes.addEntryListener((EntryRemovedListener<String, String>) e -> nodeView.remove(e.getKey()), true);
    owners.addEntryListener((EntryAddedListener<String, String>) this::ownerChanged, true);
    owners.addEntryListener((EntryUpdatedListener<String, String>) this::ownerChanged, true);
    hz.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent e) {
        loadViews();
      }

      @Override
      public void memberRemoved(MembershipEvent e) {
        String gone = e.getMember().getUuid().toString();
        removedAt.put(gone, System.nanoTime());
        nodeView.remove(gone);
        // the nodes map keeps no entry of a member that left (its node number is freed likewise)
        vertx.executeBlocking(() -> nodes.remove(gone), false);
      }
    });
    loadViews();
    this.releaseConsumer = releaseConsumer();
  }

  private MessageConsumer<String> releaseConsumer() {
    return vertx.eventBus().consumer(RELEASE_ADDRESS + me, msg -> {
      String streamId = msg.body();
      boolean released = !claimed.containsKey(streamId) || releaser.test(streamId);
      if (released) {
        lost(streamId);
      }
      msg.reply(released);
    });
  }

  /**
   * After this node merged back into the cluster from a partition (Hazelcast has then given it a
   * new member id): every stream it still counted as its own is given up, since the majority may
   * have given it to another node meanwhile and this node's entries name its old id; the views are
   * read again and release requests are taken at the new id.
   */
  void rejoined() {
    String before = me;
    me = hz.getCluster().getLocalMember().getUuid().toString();
    List.copyOf(claimed.keySet()).forEach(this::lost);
    if (!before.equals(me)) {
      releaseConsumer.unregister();
      releaseConsumer = releaseConsumer();
    }
    ownerView.clear();
    nodeView.clear();
    loadViews();
  }

  private void loadViews() {
    vertx.executeBlocking(() -> {
      nodes.entrySet().forEach(e -> nodeView.put(e.getKey(), new JsonObject(e.getValue())));
      owners.entrySet().forEach(e -> ownerView.put(e.getKey(), Owner.parse(e.getValue())));
      return null;
    }, false).onFailure(e -> LOG.debug("cluster views not loaded yet: {}", e.toString()));
  }

  private void ownerChanged(EntryEvent<String, String> e) {
    Owner o = Owner.parse(e.getValue());
    ownerView.put(e.getKey(), o);
    Long mine = claimed.get(e.getKey());
    if (mine != null && (!o.member().equals(me) || o.epoch() != mine)) {
      lost(e.getKey());
    }
  }

  private void lost(String streamId) {
    if (claimed.remove(streamId) != null) {
      LOG.info("stream {}: ingest moved to another node", streamId);
      lostListeners.forEach(l -> l.accept(streamId));
    }
  }

  JsonObject nodeInfo(String member) {
    return nodeView.get(member);
  }

  private boolean alive(String member) {
    for (Member m : hz.getCluster().getMembers()) {
      if (m.getUuid().toString().equals(member)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public Future<Boolean> claim(StreamInfo stream) {
    if (!quorum.getAsBoolean()) {
      return Future.failedFuture(unavailable(stream, null));
    }
    return attempt(stream, 0);
  }

  private Future<Boolean> attempt(StreamInfo stream, int attempt) {
    String id = stream.streamId();
    return vertx.<String>executeBlocking(() -> owners.get(id), false)
        .recover(e -> Future.failedFuture(unavailable(stream, e)))
        .compose(current -> {
          Owner o = Owner.parse(current);
          Long mine = claimed.get(id);
          if (o != null && o.member().equals(me) && mine != null && mine == o.epoch()) {
            return Future.succeededFuture(false);
          }
          long wait = o == null || o.member().equals(me) || alive(o.member()) ? 0 : graceLeft(o.member());
          if (wait > 0) {
            // the owner left only just now: it may not have noticed yet that it is cut off
            io.vertx.core.Promise<Boolean> later = io.vertx.core.Promise.promise();
            vertx.setTimer(wait, t -> attempt(stream, attempt).onComplete(later));
            return later.future();
          }
          Future<Boolean> released = o == null || o.member().equals(me) || !alive(o.member())
              ? Future.succeededFuture(true)
              : askRelease(o.member(), id);
          return released.compose(ok -> {
            if (!ok) {
              return Future.failedFuture(new KvsException(KvsError.CONNECTION_LIMIT_EXCEEDED, "Stream "
                  + stream.streamName() + " already has an active PutMedia connection on another node"));
            }
            Owner next = new Owner(me, (o == null ? 0 : o.epoch()) + 1);
            return vertx.executeBlocking(() -> current == null ? owners.putIfAbsent(id, next.json()) == null
                : owners.replace(id, current, next.json()), false)
                .recover(e -> Future.failedFuture(unavailable(stream, e)))
                .compose(won -> {
                  if (won) {
                    claimed.put(id, next.epoch());
                    ownerView.put(id, next);
                    LOG.info("stream {}: this node owns its ingest at epoch {}", id, next.epoch());
                    return Future.succeededFuture(true);
                  }
                  if (attempt + 1 < CLAIM_ATTEMPTS) {
                    return attempt(stream, attempt + 1);
                  }
                  return Future.failedFuture(new KvsException(KvsError.CONNECTION_LIMIT_EXCEEDED,
                      "Stream " + stream.streamName() + " was claimed by another node at the same time"));
                });
          });
        });
  }

  /** Milliseconds until {@link #TAKEOVER_GRACE_MS} has passed since {@code member} left (0: passed, or unseen). */
  private long graceLeft(String member) {
    Long at = removedAt.get(member);
    if (at == null) {
      return 0;
    }
    long left = TAKEOVER_GRACE_MS - (System.nanoTime() - at) / 1_000_000L;
    return Math.max(0, left);
  }

  /** Asks the owner to give the stream up; a gone or silent owner counts as having released it. */
  private Future<Boolean> askRelease(String member, String streamId) {
    return vertx.eventBus().<Boolean>request(RELEASE_ADDRESS + member, streamId,
            new DeliveryOptions().setSendTimeout(RELEASE_TIMEOUT_MS))
        .map(reply -> Boolean.TRUE.equals(reply.body()))
        .recover(e -> {
          LOG.warn("stream {}: the owner {} did not answer a release request ({}); taking it over", streamId, member,
              e.toString());
          return Future.succeededFuture(true);
        });
  }

  private static KvsException unavailable(StreamInfo stream, Throwable cause) {
    return new KvsException(KvsError.SERVICE_UNAVAILABLE, "This node cannot reach a majority of the cluster to "
        + "take stream " + stream.streamName() + "; try another node", cause);
  }

  @Override
  public Future<Void> confirm(String streamId) {
    Long mine = claimed.get(streamId);
    if (mine == null) {
      return Future.failedFuture(new IllegalStateException("this node no longer owns stream " + streamId));
    }
    // a blocking read on a worker, not getAsync: Hazelcast completes getAsync's futures on its default
    // async executor, which on a machine of two cores or fewer (a common pool of parallelism 1) starts
    // a thread per callback, two per confirmation and so four per fragment. Same map, same
    // split-brain protection, so the same fence.
    return vertx.<String>executeBlocking(() -> owners.get(streamId), false).transform(ar -> {
      Owner o = ar.succeeded() ? Owner.parse(ar.result()) : null;
      if (o != null && o.member().equals(me) && o.epoch() == mine) {
        return Future.succeededFuture();
      }
      lost(streamId);
      return Future.failedFuture(new IllegalStateException("fenced: this node no longer owns stream " + streamId
          + " at epoch " + mine + (ar.failed() ? " (" + ar.cause() + ")" : "")));
    });
  }

  @Override
  public boolean owns(String streamId) {
    return claimed.containsKey(streamId);
  }

  @Override
  public boolean writes(String streamId) {
    if (owns(streamId)) {
      return true;
    }
    Owner o = ownerView.get(streamId);
    if (o != null && alive(o.member())) {
      return false;
    }
    Member p = hz.getPartitionService().getPartition(streamId).getOwner();
    return p != null && p.getUuid().toString().equals(me) && quorum.getAsBoolean();
  }

  @Override
  public Future<String> endpoint(StreamInfo stream, String apiName) {
    if ("PUT_MEDIA".equals(apiName) && !quorum.getAsBoolean()) {
      // it could only name itself (its view of the owners is stale), and it cannot take a stream's
      // ingest without a majority: the producer asks again, through the balancer another node
      return Future.failedFuture(KvsError.SERVICE_UNAVAILABLE.exception("This node is cut off from the majority of"
          + " its cluster and cannot take a stream's ingest; ask another node"));
    }
    Owner o = ownerView.get(stream.streamId());
    String member;
    if (o != null && alive(o.member())) {
      member = o.member();
    } else {
      Member p = hz.getPartitionService().getPartition(stream.streamId()).getOwner();
      member = p == null ? null : p.getUuid().toString();
    }
    JsonObject info = member == null || member.equals(me) ? null : nodeView.get(member);
    if (info == null) {
      return Future.succeededFuture(null);
    }
    String url = "PUT_MEDIA".equals(apiName) && info.getString("ingestUrl") != null ? info.getString("ingestUrl")
        : info.getString("url");
    return Future.succeededFuture(url);
  }

  @Override
  public void onLost(Consumer<String> listener) {
    lostListeners.add(listener);
  }

  @Override
  public void onReleaseRequest(Predicate<String> releaser) {
    this.releaser = releaser;
  }

  /** The streams this node owns (tests, health). */
  Map<String, Long> claimed() {
    return Map.copyOf(claimed);
  }

  void close() {
    releaseConsumer.unregister();
  }
}
