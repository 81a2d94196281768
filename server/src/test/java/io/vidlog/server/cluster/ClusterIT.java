package io.vidlog.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vidlog.fragmentstore.testing.Conditions;
import io.vidlog.server.keys.AdminCredentials;
import io.vidlog.server.media.KvsStream;
import io.vidlog.server.media.MediaClients;
import io.vidlog.server.support.TestServers;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.kinesisvideo.KinesisVideoClient;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.KinesisVideoArchivedMediaClient;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.FragmentSelectorType;
import software.amazon.awssdk.services.kinesisvideomedia.KinesisVideoMediaClient;
import software.amazon.awssdk.services.kinesisvideomedia.model.StartSelectorType;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cluster mode as operators run it: each node is the packaged jar in a JVM of its own, on loopback,
 * all over one S3 server (S3Proxy, in this JVM), joined over TCP/IP.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterIT {
  static final String KEY = "vidlog-s3-access";
  static final String SECRET = "vidlog-s3-secret-0123456789";
  static final String MASTER_KEY = Base64.getEncoder().encodeToString(new byte[] {
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31,
      32});

  @TempDir
  Path dir;
  S3Proxy s3;
  final List<NodeProcess> started = new ArrayList<>();

  @BeforeAll
  void startS3() throws Exception {
    s3 = S3Proxy.builder().blobStore(new TransientNio2BlobStore())
        .endpoint(URI.create("http://127.0.0.1:0"))
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, KEY, SECRET)
        .build();
    s3.start();
    Conditions.await("S3Proxy has started", () -> "STARTED".equals(s3.getState()));
  }

  @AfterAll
  void stop() throws Exception {
    for (NodeProcess n : started) {
      n.close();
    }
    s3.stop();
  }

  List<String> storeFlags(String bucket) {
    return List.of("--s3-endpoint", "http://127.0.0.1:" + s3.getPort(), "--s3-bucket", bucket, "--s3-access-key", KEY,
        "--s3-secret-key", SECRET, "--master-key", MASTER_KEY);
  }

  /** Nodes named by {@code names}, each with a cluster port, all listing each other. */
  List<NodeProcess> cluster(String bucket, String... names) throws Exception {
    return cluster(bucket, List.of(), names);
  }

  /** As {@link #cluster(String, String...)}, each node started with {@code flags} too. */
  List<NodeProcess> cluster(String bucket, List<String> flags, String... names) throws Exception {
    int[] ports = new int[names.length];
    List<String> members = new ArrayList<>();
    for (int i = 0; i < names.length; i++) {
      ports[i] = NodeProcess.freePort();
      members.add("127.0.0.1:" + ports[i]);
    }
    List<NodeProcess> nodes = new ArrayList<>();
    for (int i = 0; i < names.length; i++) {
      List<String> args = new ArrayList<>(storeFlags(bucket));
      args.addAll(flags);
      args.addAll(List.of("--cluster", "--cluster-host", "127.0.0.1", "--cluster-port", String.valueOf(ports[i]),
          "--cluster-members", String.join(",", members)));
      NodeProcess n = NodeProcess.start(names[i], dir.resolve(bucket).resolve(names[i]), List.of(), args);
      started.add(n);
      nodes.add(n);
      if (i == 0) {
        // the first node creates the admin key in the new store; the others find it there
        n.url();
      }
    }
    for (NodeProcess n : nodes) {
      n.url();
    }
    return nodes;
  }

  /** Without --cluster the packaged server never loads a Hazelcast class (the JVM's class-loading log says). */
  @Test
  void aSingleNodeLoadsNoHazelcast() throws Exception {
    NodeProcess single = NodeProcess.start("single", dir.resolve("single"), List.of("-verbose:class"), List.of());
    started.add(single);
    single.url();
    JsonObject health = single.health();
    assertEquals("UP", health.getString("status"), health.encode());
    assertFalse(health.containsKey("cluster"), health.encode());
    assertTrue(single.stdout.stream().anyMatch(l -> l.contains("io.vertx.core.")),
        "the class-loading log is read: it names Vert.x classes");
    assertEquals(List.of(), single.stdout.stream().filter(l -> l.contains("com.hazelcast")).limit(3).toList());
  }

  /** The same log shows Hazelcast loaded with --cluster: the check above can fail. */
  @Test
  void aClusterNodeLoadsHazelcastAndReportsItsMembership() throws Exception {
    int port = NodeProcess.freePort();
    List<String> args = new ArrayList<>(storeFlags("alone"));
    args.addAll(List.of("--cluster", "--cluster-port", String.valueOf(port)));
    NodeProcess alone = NodeProcess.start("alone", dir.resolve("alone"), List.of("-verbose:class"), args);
    started.add(alone);
    alone.url();
    assertTrue(alone.stdout.stream().anyMatch(l -> l.contains("com.hazelcast.")), "Hazelcast runs with --cluster");
    JsonObject cluster = alone.health().getJsonObject("cluster");
    assertEquals(1, cluster.getJsonArray("members").size(), cluster.encode());
    assertTrue(cluster.getBoolean("quorum"), cluster.encode());
    assertEquals(0, alone.exitCode(true), "exit code after SIGTERM");
  }

  @Test
  void clusterModeRefusesToStartWithoutTheS3StoreOrTheMasterKey() throws Exception {
    NodeProcess fs = NodeProcess.start("fs", dir.resolve("fs"), List.of(), List.of("--cluster"));
    started.add(fs);
    assertEquals(2, fs.exitCode(false));
    assertTrue(fs.stderr().contains("'cluster' needs the s3 store backend"), fs.stderr());
    List<String> noKey = new ArrayList<>(storeFlags("nokey"));
    int i = noKey.indexOf("--master-key");
    noKey.remove(i + 1);
    noKey.remove(i);
    noKey.add("--cluster");
    NodeProcess keyless = NodeProcess.start("keyless", dir.resolve("keyless"), List.of(), noKey);
    started.add(keyless);
    assertEquals(2, keyless.exitCode(false));
    assertTrue(keyless.stderr().contains("'cluster' needs 'master-key'"), keyless.stderr());
  }

  /** Three JVMs join one cluster; each reports the three members with distinct node numbers and URLs. */
  @Test
  void threeNodesJoinAndSeeEachOther() throws Exception {
    List<NodeProcess> nodes = cluster("three", "a", "b", "c");
    for (NodeProcess n : nodes) {
      Conditions.await(n.name + " sees three members with their URLs", () -> {
        JsonArray members = n.healthOrEmpty().getJsonObject("cluster", new JsonObject()).getJsonArray("members",
            new JsonArray());
        return members.size() == 3 && members.stream().allMatch(m -> ((JsonObject) m).containsKey("url"));
      });
    }
    JsonArray members = nodes.get(2).health().getJsonObject("cluster").getJsonArray("members");
    Set<Integer> numbers = new HashSet<>();
    Set<String> urls = new HashSet<>();
    for (Object o : members) {
      numbers.add(((JsonObject) o).getInteger("node"));
      urls.add(((JsonObject) o).getString("url"));
    }
    assertEquals(3, numbers.size(), members.encode());
    Set<String> expected = new HashSet<>();
    for (NodeProcess n : nodes) {
      expected.add(n.url().toString());
    }
    assertEquals(expected, urls);
  }

  /**
   * A producer on node A; readers on B and C (GetMedia from EARLIEST, waiting at the live edge before
   * the first fragment) receive every fragment and frame, equal to what is stored; ListFragments on C,
   * whose index of the stream was loaded before the producer started, sees each of A's fragments
   * without a reload; fragment numbers increase and none repeats.
   */
  @Test
  void readersOnOtherNodesGetEveryFrameAndTheirIndexFollowsTheOwner() throws Exception {
    List<NodeProcess> nodes = cluster("live", "a", "b", "c");
    NodeProcess a = nodes.get(0);
    AdminCredentials admin = AdminCredentials.read(a.dir.resolve("data").resolve(AdminCredentials.FILE));
    String stream = "cam-1";
    try (KinesisVideoClient kvs = TestServers.client(nodes.get(2).url(), admin.accessKeyId(), admin.secretAccessKey());
         KinesisVideoArchivedMediaClient onC = MediaClients.archived(nodes.get(2).url(), admin.accessKeyId(),
             admin.secretAccessKey())) {
      kvs.createStream(r -> r.streamName(stream).dataRetentionInHours(1));
      long from = System.currentTimeMillis() - 1_000;
      assertEquals(List.of(), listed(onC, stream, from), "C has loaded the stream's (empty) index");
      int uploads = 3;
      int fragmentsPerUpload = 4; // the fixture's Clusters
      AtomicInteger expected = new AtomicInteger(uploads * fragmentsPerUpload);
      Reader sameNode = new Reader(a, admin, stream, expected);
      List<Reader> readers = List.of(new Reader(nodes.get(1), admin, stream, expected),
          new Reader(nodes.get(2), admin, stream, expected));
      byte[] mkv = MediaClients.resource("ffmpeg-live-av.mkv");
      List<String> persisted = new ArrayList<>();
      for (int upload = 0; upload < uploads; upload++) {
        List<String> acks = MediaClients.putMediaPaced(a.url(), admin, stream, mkv);
        List<String> numbers = acks.stream().map(JsonObject::new)
            .filter(o -> "PERSISTED".equals(o.getString("EventType"))).map(o -> o.getString("FragmentNumber")).toList();
        assertEquals(fragmentsPerUpload, numbers.size(), "the fixture's fragments are PERSISTED: " + acks);
        persisted.addAll(numbers);
        Conditions.await("C lists the " + persisted.size() + " fragments A persisted",
            () -> listed(onC, stream, from).equals(persisted));
      }
      assertEquals(persisted.stream().sorted(java.util.Comparator.comparing(java.math.BigInteger::new)).toList(),
          persisted, "fragment numbers increase");
      assertEquals(persisted.size(), new HashSet<>(persisted).size(), "no fragment number repeats");
      KvsStream stored = KvsStream.read(onC.getMediaForFragmentList(r -> r.streamName(stream).fragments(persisted)));
      sameNode.join();
      for (Reader reader : readers) {
        reader.join();
        assertEquals(persisted, reader.numbers(), reader.node.name + " got every fragment once, in order");
        assertEquals(stored.frames, reader.frames(), reader.node.name + " got every frame as stored");
        // a measurement for the record, not a check: how much later each frame reached this node's
        // reader than the reader on the owner's node
        int n = Math.min(sameNode.arrivals.size(), reader.arrivals.size());
        List<Long> extra = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          extra.add(reader.arrivals.get(i) - sameNode.arrivals.get(i));
        }
        System.err.printf("cluster live: %s's reader got frames after the owner's node's reader by: all %s, last"
            + " upload %s%n", reader.node.name, percentiles(extra), percentiles(extra.subList(n - n / uploads, n)));
      }
    }
  }

  /**
   * The owner publishes a stream's live frames on the event bus only while another node has a live
   * reader of it: none while A ingests with no reader anywhere, then frames while a GetMedia reader
   * on B follows the stream (and gets every fragment), and none again once that reader left and B
   * stopped relaying (its consumer unregistered, its interest withdrawn).
   */
  @Test
  void theOwnerPublishesLiveFramesOnlyWhileAnotherNodeHasALiveReader() throws Exception {
    List<NodeProcess> nodes = cluster("interest", List.of("--metrics-public"), "a", "b");
    NodeProcess a = nodes.get(0);
    NodeProcess b = nodes.get(1);
    AdminCredentials admin = AdminCredentials.read(a.dir.resolve("data").resolve(AdminCredentials.FILE));
    String stream = "cam-quiet";
    byte[] mkv = MediaClients.resource("ffmpeg-live-av.mkv");
    try (KinesisVideoClient kvs = TestServers.client(a.url(), admin.accessKeyId(), admin.secretAccessKey())) {
      kvs.createStream(r -> r.streamName(stream).dataRetentionInHours(1));
    }
    List<String> first = persisted(MediaClients.putMediaPaced(a.url(), admin, stream, mkv));
    assertEquals(4, first.size(), "the fixture's fragments are PERSISTED");
    assertEquals(0.0, metric(a, "vidlog_cluster_live_frames_published_total"), "frames A published with no reader");

    AtomicInteger expected = new AtomicInteger(8);
    Reader onB = new Reader(b, admin, stream, expected);
    Conditions.await("B relays the stream and A publishes it", () -> metricOrNaN(b,
        "vidlog_cluster_live_streams_relayed") == 1.0 && metricOrNaN(a, "vidlog_cluster_live_streams_published") == 1.0);
    List<String> second = persisted(MediaClients.putMediaPaced(a.url(), admin, stream, mkv));
    onB.join();
    List<String> all = new ArrayList<>(first);
    all.addAll(second);
    assertEquals(all, onB.numbers(), "B's reader got every fragment once, in order");
    double published = metric(a, "vidlog_cluster_live_frames_published_total");
    assertTrue(published > 0, "A published the frames B's reader followed: " + published);

    try {
      Conditions.await("B stopped relaying and A publishing after B's reader left", () -> metricOrNaN(b,
          "vidlog_cluster_live_streams_relayed") == 0.0 && metricOrNaN(a, "vidlog_cluster_live_streams_published") == 0.0);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + ": B relays " + metricOrNaN(b, "vidlog_cluster_live_streams_relayed")
          + ", A publishes " + metricOrNaN(a, "vidlog_cluster_live_streams_published"), e);
    }
    assertEquals(4, persisted(MediaClients.putMediaPaced(a.url(), admin, stream, mkv)).size());
    assertEquals(published, metric(a, "vidlog_cluster_live_frames_published_total"),
        "frames A published after the last reader on another node left");
  }

  static List<String> persisted(List<String> acks) {
    return acks.stream().map(JsonObject::new).filter(o -> "PERSISTED".equals(o.getString("EventType")))
        .map(o -> o.getString("FragmentNumber")).toList();
  }

  /** A sample's value on a node's /metrics (Prometheus text). */
  static double metric(NodeProcess node, String name) throws Exception {
    String body = node.get("/metrics").body();
    for (String line : body.split("\n")) {
      if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    throw new AssertionError(node.name + "'s /metrics has no " + name + ":\n" + body);
  }

  /** As {@link #metric}, for a condition polled in a lambda: NaN when it cannot be read. */
  static double metricOrNaN(NodeProcess node, String name) {
    try {
      return metric(node, name);
    } catch (Exception | AssertionError e) {
      return Double.NaN;
    }
  }

  /** p50 / p99 / max of nanosecond differences, in ms. */
  private static String percentiles(List<Long> nanos) {
    List<Long> sorted = new ArrayList<>(nanos);
    sorted.sort(null);
    if (sorted.isEmpty()) {
      return "none";
    }
    return String.format("p50 %.2f ms / p99 %.2f ms / max %.2f ms (%d frames)", sorted.get(sorted.size() / 2) / 1e6,
        sorted.get(Math.max(0, (int) Math.ceil(sorted.size() * 0.99) - 1)) / 1e6, sorted.get(sorted.size() - 1) / 1e6,
        sorted.size());
  }

  static List<String> listed(KinesisVideoArchivedMediaClient client, String stream, long from) {
    var page = client.listFragments(r -> r.streamName(stream).fragmentSelector(s -> s
        .fragmentSelectorType(FragmentSelectorType.SERVER_TIMESTAMP)
        .timestampRange(t -> t.startTimestamp(java.time.Instant.ofEpochMilli(from))
            .endTimestamp(java.time.Instant.now().plusSeconds(60)))));
    return page.fragments().stream().map(f -> f.fragmentNumber())
        .sorted(java.util.Comparator.comparing(java.math.BigInteger::new)).toList();
  }

  /** GetMedia from EARLIEST on one node, read by the KVS parser library on a thread of its own. */
  static final class Reader {
    final NodeProcess node;
    private final List<KvsStream.Chunk> complete = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** When each frame was read (nanoTime), in order. */
    final List<Long> arrivals = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile Throwable failure;

    Reader(NodeProcess node, AdminCredentials admin, String stream, AtomicInteger expected) throws Exception {
      this.node = node;
      KinesisVideoMediaClient media = MediaClients.media(node.url(), admin.accessKeyId(), admin.secretAccessKey());
      var body = media.getMedia(r -> r.streamName(stream).startSelector(s -> s.startSelectorType(StartSelectorType.EARLIEST)));
      thread = new Thread(() -> {
        try (media; body) {
          KvsStream.read(body, k -> {
            long now = System.nanoTime();
            while (arrivals.size() < k.frames.size()) {
              arrivals.add(now);
            }
            return complete.size() >= expected.get();
          }, complete::add);
        } catch (Throwable t) {
          failure = t;
        }
      }, "reader-" + node.name);
      thread.start();
    }

    void join() throws Exception {
      thread.join(60_000);
      assertFalse(thread.isAlive(), node.name + "'s reader did not get every fragment; it has " + numbers());
      if (failure != null && complete.isEmpty()) {
        throw new AssertionError(node.name + "'s reader failed", failure);
      }
    }

    List<String> numbers() {
      return complete.stream().map(KvsStream.Chunk::number).toList();
    }

    List<KvsStream.MediaFrame> frames() {
      List<KvsStream.MediaFrame> all = new ArrayList<>();
      complete.forEach(c -> all.addAll(c.frames));
      return all;
    }
  }

  /**
   * Kill -9 of the owner while a producer streams, twice (the killed node restarted in between): the
   * producer, which asks GetDataEndpoint again whenever its connection breaks, continues on a new
   * owner; afterwards every fragment acked PERSISTED is listed and readable from the nodes, fragment
   * numbers increase across owners in the order they were acked, and none repeats.
   */
  @Test
  void theProducerContinuesOnANewOwnerWhenTheOwnerIsKilled() throws Exception {
    List<NodeProcess> nodes = new java.util.concurrent.CopyOnWriteArrayList<>(cluster("failover", "a", "b", "c"));
    AdminCredentials admin = AdminCredentials.read(nodes.get(0).dir.resolve("data").resolve(AdminCredentials.FILE));
    String stream = "door";
    try (KinesisVideoClient kvs = TestServers.client(nodes.get(0).url(), admin.accessKeyId(), admin.secretAccessKey())) {
      kvs.createStream(r -> r.streamName(stream).dataRetentionInHours(1));
    }
    byte[] mkv = MediaClients.resource("ffmpeg-live-av.mkv");
    List<String> persisted = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<String> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.concurrent.atomic.AtomicReference<URI> target = new java.util.concurrent.atomic.AtomicReference<>();
    java.util.concurrent.atomic.AtomicBoolean producing = new java.util.concurrent.atomic.AtomicBoolean(true);
    Thread producer = new Thread(() -> {
      while (producing.get()) {
        try {
          URI endpoint = putMediaEndpoint(nodes, admin, stream);
          target.set(endpoint);
          MediaClients.putMediaPaced(endpoint, admin, stream, mkv, ack -> {
            JsonObject o = new JsonObject(ack);
            if ("PERSISTED".equals(o.getString("EventType"))) {
              persisted.add(o.getString("FragmentNumber"));
            } else if ("ERROR".equals(o.getString("EventType"))) {
              errors.add(ack);
            }
          });
        } catch (Exception | AssertionError e) {
          // the connection broke or was refused (the owner is gone, or not yet replaced): ask again,
          // after a pause as a producer's back-off would make
          java.util.concurrent.locks.LockSupport.parkNanos(200_000_000L);
        }
      }
    }, "producer");
    producer.start();
    try {
      for (int round = 0; round < 2; round++) {
        int before = persisted.size();
        Conditions.await("the producer has 4 more fragments PERSISTED", () -> persisted.size() >= before + 4);
        NodeProcess owner = nodeServing(nodes, target.get());
        int atKill = persisted.size();
        long killed = System.nanoTime();
        owner.kill();
        Conditions.await("fragments are PERSISTED again after " + owner.name + " was killed",
            () -> persisted.size() >= atKill + 2);
        System.err.printf("cluster takeover: %s killed; PERSISTED again on another node after %d ms%n", owner.name,
            (System.nanoTime() - killed) / 1_000_000);
        NodeProcess back = owner.restart();
        started.add(back);
        nodes.set(nodes.indexOf(owner), back);
        back.url();
      }
    } finally {
      producing.set(false);
      producer.join(60_000);
    }
    List<java.math.BigInteger> values = persisted.stream().map(java.math.BigInteger::new).toList();
    assertEquals(values.stream().sorted().toList(), values, "fragment numbers increase across owners");
    assertEquals(persisted.size(), new HashSet<>(persisted).size(), "no fragment number repeats: " + persisted);
    for (NodeProcess n : nodes) {
      try (KinesisVideoArchivedMediaClient archived = MediaClients.archived(n.url(), admin.accessKeyId(),
          admin.secretAccessKey())) {
        Conditions.await(n.name + " lists every PERSISTED fragment", () -> listed(archived, stream, 0).containsAll(persisted));
        List<String> listed = listed(archived, stream, 0);
        assertEquals(listed.size(), new HashSet<>(listed).size(), "no duplicate fragment in " + listed);
        KvsStream read = KvsStream.read(archived.getMediaForFragmentList(r -> r.streamName(stream).fragments(persisted)));
        assertEquals(persisted, read.chunks.stream().map(KvsStream.Chunk::number).toList(),
            n.name + " reads every PERSISTED fragment");
        assertTrue(read.chunks.stream().allMatch(c -> !c.frames.isEmpty()), "each with its frames");
      }
    }
  }

  /** What GetDataEndpoint(PUT_MEDIA) answers on the first live node that answers. */
  private static URI putMediaEndpoint(List<NodeProcess> nodes, AdminCredentials admin, String stream) throws Exception {
    for (NodeProcess n : nodes) {
      if (!n.process.isAlive()) {
        continue;
      }
      try (KinesisVideoClient kvs = TestServers.client(n.url(), admin.accessKeyId(), admin.secretAccessKey())) {
        return MediaClients.dataEndpoint(kvs, stream, software.amazon.awssdk.services.kinesisvideo.model.APIName.PUT_MEDIA);
      } catch (RuntimeException e) {
        // try the next node
      }
    }
    throw new IllegalStateException("no node answered GetDataEndpoint");
  }

  private static NodeProcess nodeServing(List<NodeProcess> nodes, URI endpoint) throws Exception {
    for (NodeProcess n : nodes) {
      if (n.ingestUrl().getPort() == endpoint.getPort() || n.url().getPort() == endpoint.getPort()) {
        return n;
      }
    }
    throw new AssertionError("no node serves " + endpoint);
  }
}
