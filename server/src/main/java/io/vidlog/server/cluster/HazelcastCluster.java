package io.vidlog.server.cluster;


import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.SplitBrainProtectionConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionOn;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import io.vidlog.server.config.ServerConfig.ClusterConfig;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ClusterNode} on Vert.x's clustered mode with its Hazelcast cluster manager
 * ({@code io.vertx:vertx-hazelcast}): explicit TCP/IP join to {@code --cluster-members}, no
 * multicast or cloud discovery; the event bus listens on {@code --cluster-host} too. The only class
 * the launcher names that refers to Hazelcast, and only with {@code --cluster}.
 *
 * <p>Cluster structures (docs/cluster.md): {@code vidlog.node-numbers} (node number → member id,
 * claimed with putIfAbsent at join; numbers of members that left are reused),
 * {@code vidlog.nodes} (member id → its advertised URLs), {@code vidlog.live-readers}
 * ({@link HazelcastLiveInterest}) and {@code vidlog.stream-owners} ({@link HazelcastStreamOwners}), the last behind a split-brain protection that needs a majority
 * of the expected nodes for every read and write.
 */
public final class HazelcastCluster implements ClusterNode {
  private static final Logger LOG = LoggerFactory.getLogger(HazelcastCluster.class);
  static final String NODE_NUMBERS = "vidlog.node-numbers";
  static final String NODES = "vidlog.nodes";
  static final String OWNERS = "vidlog.stream-owners";
  static final String MAJORITY = "vidlog-majority";
  /** Node numbers fit the 3-digit node field of a minted fragment number. */
  private static final int MAX_NODE_NUMBER = io.vidlog.fragmentstore.FragmentNumbers.MAX_NODE;

  private final Vertx vertx;
  private final HazelcastInstance hz;
  /** Changes only when another member took it while this node was cut off ({@link #rejoined}). */
  private volatile int nodeNumber;
  private volatile IntConsumer renumbered = n -> { };
  private final int quorum;
  private final IMap<String, String> nodes;
  private final HazelcastStreamOwners owners;
  private final HazelcastLiveInterest liveInterest;
  /** What {@link #advertise} last put in {@code vidlog.nodes}, put again under a new member id after a merge. */
  private volatile JsonObject advertised;
  /** The member id {@link #nodeNumber} is held under in {@code vidlog.node-numbers}. */
  private volatile String numberHolder;

  private HazelcastCluster(Vertx vertx, HazelcastInstance hz, int nodeNumber, int quorum) {
    this.vertx = vertx;
    this.hz = hz;
    this.nodeNumber = nodeNumber;
    this.quorum = quorum;
    this.nodes = hz.getMap(NODES);
    this.owners = new HazelcastStreamOwners(vertx, hz, this::quorum, nodes);
    this.liveInterest = new HazelcastLiveInterest(vertx, hz);
    this.numberHolder = memberId();
    hz.getLifecycleService().addLifecycleListener(e -> {
      if (e.getState() == com.hazelcast.core.LifecycleEvent.LifecycleState.MERGED) {
        vertx.executeBlocking(() -> {
          rejoined();
          return null;
        }, false).onFailure(err -> LOG.error("after merging back into the cluster", err));
      }
    });
  }

  /**
   * This node was cut off from the others and has merged back (Hazelcast's split-brain merge,
   * {@code hazelcast.merge.*.run.delay.seconds}): the majority side has meanwhile removed its entry
   * from {@code vidlog.nodes}, and its member id has changed. Its streams are given up, its URLs
   * advertised again and its node number held under the new id, or a free number claimed if another
   * member took it meanwhile. Package-private for the test that plays the taken number.
   */
  void rejoined() {
    String id = memberId();
    LOG.warn("merged back into the cluster after a partition as {}, {} member(s) now", id,
        hz.getCluster().getMembers().size());
    owners.rejoined();
    liveInterest.rejoined();
    IMap<Integer, String> numbers = hz.getMap(NODE_NUMBERS);
    if (!numbers.replace(nodeNumber, numberHolder, id) && numbers.putIfAbsent(nodeNumber, id) != null
        && !id.equals(numbers.get(nodeNumber))) {
      // Another member took the number while this node was cut off (its old id had left the
      // cluster): two nodes minting under one node field could collide, so this one takes a free
      // number before it mints again.
      int taken = nodeNumber;
      nodeNumber = claimNodeNumber(hz);
      LOG.warn("node number {} was taken by another member while this node was cut off; this node is node {} now",
          taken, nodeNumber);
      renumbered.accept(nodeNumber);
    }
    numberHolder = id;
    JsonObject info = advertised;
    if (info != null) {
      info = info.copy().put("node", nodeNumber);
      advertised = info;
      nodes.set(id, info.encode());
    }
  }

  @Override
  public void onRenumbered(IntConsumer listener) {
    this.renumbered = listener;
  }

  /**
   * Starts Hazelcast and the clustered Vert.x, joins the members and claims a node number. Blocks
   * (the launcher's thread) until joined.
   */
  public static ClusterNode join(ClusterConfig config, VertxOptions options) throws Exception {
    // Hazelcast logs through SLF4J (vidlog's logback) from its first line, before it reads its config
    if (System.getProperty("hazelcast.logging.type") == null) {
      System.setProperty("hazelcast.logging.type", "slf4j");
    }
    HazelcastClusterManager manager = new HazelcastClusterManager(hazelcastConfig(config));
    EventBusOptions bus = new EventBusOptions().setHost(config.host()).setPort(0);
    Vertx vertx = Vertx.builder().with(options.setEventBusOptions(bus)).withClusterManager(manager)
        .buildClustered().await(2, TimeUnit.MINUTES);
    try {
      HazelcastInstance hz = manager.getHazelcastInstance();
      int number = claimNodeNumber(hz);
      int quorum = config.expectedSize() / 2 + 1;
      LOG.info("joined the cluster as node {} ({}), {} member(s) now, {} of {} expected needed to write",
          number, hz.getCluster().getLocalMember().getUuid(), hz.getCluster().getMembers().size(), quorum,
          config.expectedSize());
      return new HazelcastCluster(vertx, hz, number, quorum);
    } catch (Exception | Error e) {
      vertx.close().await(10, TimeUnit.SECONDS);
      throw e;
    }
  }

  /** How recent a member's last heartbeat must be for it to count towards the majority (heartbeats are 1 s apart). */
  static final int HEARTBEAT_TOLERANCE_MS = 3_000;

  static Config hazelcastConfig(ClusterConfig cluster) {
    // the cluster manager's own structures (event bus subscriptions, node infos) come from its default file
    Config config = ConfigUtil.loadConfig();
    config.setClusterName("vidlog");
    // vidlog stops Hazelcast itself, after its listeners drained (SIGTERM); Hazelcast's hook would go first
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.logging.type", "slf4j");
    // a node killed without a goodbye is removed after a few seconds of silence, not the 60 s default:
    // its streams get new owners that much sooner (the nodes of one cluster share a LAN)
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    config.setProperty("hazelcast.max.no.heartbeat.seconds", "6");
    // members are listed: nothing to wait for before joining them
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    // a node cut off by a partition looks for the others every few seconds, not after 5 minutes then
    // every 2 (the defaults), and merges back as soon as the network allows
    config.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
    config.setProperty("hazelcast.merge.next.run.delay.seconds", "5");
    config.setProperty("hazelcast.local.localAddress", cluster.host());
    config.setProperty("hazelcast.socket.bind.any", "false");
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(cluster.port()).setPortAutoIncrement(false);
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true);
    join.getTcpIpConfig().addMember(cluster.host() + ":" + cluster.port());
    cluster.members().forEach(m -> join.getTcpIpConfig().addMember(m.toString()));
    int quorum = cluster.expectedSize() / 2 + 1;
    // the fence (docs/cluster.md §Fencing): a member counts towards the majority only while its heartbeats
    // arrive (within HEARTBEAT_TOLERANCE_MS), not until it is dropped from the member list: a node cut
    // off by a partition refuses the owners map, and so stops confirming its streams, about 3 s after the
    // cut, while the majority takes its streams only after dropping it (6 s of silence) plus the
    // takeover grace. Counting the member list alone let a cut-off owner, slowed by load, keep acking
    // PERSISTED after the new owner had begun.
    config.addSplitBrainProtectionConfig(SplitBrainProtectionConfig
        .newRecentlyActiveSplitBrainProtectionConfigBuilder(MAJORITY, quorum, HEARTBEAT_TOLERANCE_MS).build()
        .setProtectOn(SplitBrainProtectionOn.READ_WRITE));
    config.getMapConfig(OWNERS).setBackupCount(1).setSplitBrainProtectionName(MAJORITY);
    config.getMapConfig(NODES).setBackupCount(1);
    config.getMapConfig(NODE_NUMBERS).setBackupCount(1);
    config.getMapConfig(HazelcastLiveInterest.READERS).setBackupCount(1);
    return config;
  }

  /** The smallest node number no live member holds; numbers of members that left are freed first. */
  private static int claimNodeNumber(HazelcastInstance hz) {
    IMap<Integer, String> numbers = hz.getMap(NODE_NUMBERS);
    String me = hz.getCluster().getLocalMember().getUuid().toString();
    Set<String> live = new HashSet<>();
    hz.getCluster().getMembers().forEach(m -> live.add(m.getUuid().toString()));
    for (Map.Entry<Integer, String> e : numbers.entrySet()) {
      if (!live.contains(e.getValue())) {
        numbers.remove(e.getKey(), e.getValue());
      }
    }
    for (int n = 0; n <= MAX_NODE_NUMBER; n++) {
      String holder = numbers.putIfAbsent(n, me);
      if (holder == null || holder.equals(me)) {
        return n;
      }
    }
    throw new IllegalStateException("no free node number: more than " + (MAX_NODE_NUMBER + 1) + " members");
  }

  @Override
  public Vertx vertx() {
    return vertx;
  }

  @Override
  public String memberId() {
    return hz.getCluster().getLocalMember().getUuid().toString();
  }

  @Override
  public int nodeNumber() {
    return nodeNumber;
  }

  @Override
  public Future<Void> advertise(URI url, URI ingestUrl) {
    JsonObject info = new JsonObject().put("node", nodeNumber).put("url", url.toString());
    if (ingestUrl != null) {
      info.put("ingestUrl", ingestUrl.toString());
    }
    advertised = info;
    return vertx.executeBlocking(() -> {
      nodes.set(memberId(), info.encode());
      return null;
    }, false);
  }

  @Override
  public List<ClusterNode.Member> members() {
    List<ClusterNode.Member> all = new ArrayList<>();
    UUID me = hz.getCluster().getLocalMember().getUuid();
    for (com.hazelcast.cluster.Member m : hz.getCluster().getMembers()) {
      JsonObject info = owners.nodeInfo(m.getUuid().toString());
      ClusterNode.Member view = new ClusterNode.Member(m.getUuid().toString(),
          info == null ? -1 : info.getInteger("node", -1), info == null ? null : info.getString("url"),
          m.getUuid().equals(me));
      if (view.local()) {
        all.add(0, view);
      } else {
        all.add(view);
      }
    }
    return all;
  }

  @Override
  public boolean quorum() {
    return hz.getLifecycleService().isRunning() && hz.getCluster().getMembers().size() >= quorum;
  }

  @Override
  public StreamOwners owners() {
    return owners;
  }

  @Override
  public LiveInterest liveInterest() {
    return liveInterest;
  }

  @Override
  public Future<Void> close() {
    owners.close();
    return vertx.close();
  }
}
