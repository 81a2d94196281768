package io.vidlog.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vidlog.fragmentstore.testing.Conditions;
import io.vidlog.server.keys.AdminCredentials;
import io.vidlog.server.media.KvsStream;
import io.vidlog.server.media.MediaClients;
import io.vidlog.server.support.TestServers;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.kinesisvideo.KinesisVideoClient;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.KinesisVideoArchivedMediaClient;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.Fragment;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.GetMediaForFragmentListResponse;

/**
 * A hundred kills, shortened: the product as shipped (the server jar on its default fs store)
 * SIGKILLed at random moments while several cameras stream (MKV, and MP4 fragmented and
 * progressive: {@link KillLoopCamera.Format}) and live readers follow them, and
 * restarted on the same data dir each time. After each restart every fragment acked PERSISTED so
 * far is listed and the newest of each stream reads back; at the end, after a clean restart, every
 * acked fragment is listed by ListFragments and read whole by GetMediaForFragmentList, fragment
 * numbers only ever grew per stream, readers resumed with their tokens, every fragment listed
 * (acked or not: one stored just before a kill, before its ack went out) reads whole, and no
 * temporary file of an interrupted write is left in the data dir ({@link DataDirLeftovers}).
 *
 * <p>The same loop runs on the {@code s3} backend ({@link #theS3BackendKeepsEveryPersistedFragmentThroughKills}):
 * the server started with its S3 flags against s3rver ({@link S3rverProcess}), which keeps running
 * across the kills. A kill then cuts chunk uploads and index writes in flight to S3; a partial upload
 * must never be listed, and whatever the store kept is either listed and readable or not listed at all.
 *
 * <p>The moments are random on purpose (a kill is a fault to inject, not a condition to wait for):
 * drawn from a seeded {@link Random} whose seed is printed, so a failing run replays with
 * {@code -Dvidlog.kills.seed=S}. {@code -Dvidlog.kills=N} sets the number of kills
 * ({@code scripts/kill-loop.sh N} runs the long form). One kill in five lands at a random moment
 * after the process started (start-up included); the others once every camera is storing again.
 */
class KillLoopIT {
  static final int KILLS = Integer.getInteger("vidlog.kills", 10);
  /** Kills of the {@code s3} form: one in {@code mvn verify}, {@code STORE=s3 scripts/kill-loop.sh N} for more. */
  static final int S3_KILLS = Integer.getInteger("vidlog.kills.s3", 1);
  static final int STREAMS = Integer.getInteger("vidlog.kills.streams", 6);
  static final long SEED = Long.getLong("vidlog.kills.seed", System.nanoTime());
  /**
   * Fragments per index segment in the killed server: small, so that segment objects are written
   * (and kills land on those writes) every few seconds instead of once per 1000 fragments of a stream.
   */
  static final int SEGMENT_SIZE = Integer.getInteger("vidlog.kills.segmentSize", 4);
  /**
   * When above zero, no kill starts after this many minutes of killing: the loop then goes on to
   * its checks with the kills done so far (a long form on a machine of unknown speed).
   */
  static final long MINUTES = Long.getLong("vidlog.kills.minutes", 0);
  /** Upper bound of the random delay before a kill once ingest runs again, and after a start for an early kill. */
  static final int MAX_DELAY_MS = 3_000;
  static final int EARLY_MAX_DELAY_MS = 5_000;
  /** GetMediaForFragmentList takes at most 1000 fragments (docs/wire-protocol.md §3). */
  static final int READ_BATCH = 200;

  @TempDir
  Path dir;

  @Test
  @Timeout(value = 15, unit = TimeUnit.MINUTES) // the long form turns timeouts off (scripts/kill-loop.sh)
  void everyPersistedFragmentSurvivesRandomKillsDuringMultiStreamIngest() throws Exception {
    killLoop("fs", KILLS, "-Dvidlog.kills", List.of());
  }

  @Test
  @Timeout(value = 15, unit = TimeUnit.MINUTES)
  void theS3BackendKeepsEveryPersistedFragmentThroughKills() throws Exception {
    assumeTrue(S3_KILLS > 0, "-Dvidlog.kills.s3=0 leaves the s3 form out");
    try (S3rverProcess s3 = S3rverProcess.start(NodeProcess.freePort(), dir.resolve("s3rver"))) {
      killLoop("s3", S3_KILLS, "-Dvidlog.kills.s3", List.of("--s3-endpoint", s3.endpoint(), "--s3-bucket", "killed",
          "--s3-access-key", S3rverProcess.KEY, "--s3-secret-key", S3rverProcess.SECRET));
    }
  }

  /**
   * The loop on one backend: {@code store} as the server names it in its start line, {@code killsFlag}
   * the property that sets {@code kills} (for the replay line), {@code storeArgs} the server's flags for it.
   */
  private void killLoop(String store, int kills, String killsFlag, List<String> storeArgs) throws Exception {
    Random random = new Random(SEED);
    String replay = " (seed " + SEED + ": replay with -Dvidlog.kills.seed=" + SEED + " " + killsFlag + "=" + kills + ")";
    System.out.println("kill loop: " + kills + " kills of the server on its " + store + " store with " + STREAMS
        + " cameras, index segments of " + SEGMENT_SIZE + " fragments" + replay);
    int port = NodeProcess.freePort();
    int ingestPort = NodeProcess.freePort();
    Path nodeDir = dir.resolve("node");
    NodeProcess node = NodeProcess.start("killed", nodeDir, List.of(),
        List.of("-Dvidlog.index.segmentSize=" + SEGMENT_SIZE),
        List.of("--port", String.valueOf(port), "--bind", "127.0.0.1", "--ingest-port", String.valueOf(ingestPort)),
        storeArgs);
    URI url = node.url();
    URI ingest = URI.create("https://127.0.0.1:" + ingestPort);
    AdminCredentials admin = AdminCredentials.read(nodeDir.resolve("data").resolve(AdminCredentials.FILE));
    List<KillLoopCamera> cameras = new ArrayList<>();
    List<KillLoopReader> readers = new ArrayList<>();
    try (KinesisVideoClient kvs = TestServers.client(url, admin.accessKeyId(), admin.secretAccessKey())) {
      for (int i = 0; i < STREAMS; i++) {
        String stream = "killed-" + i;
        kvs.createStream(r -> r.streamName(stream).dataRetentionInHours(24));
        cameras.add(new KillLoopCamera(stream, ingest, admin, format(i)));
        readers.add(new KillLoopReader(stream, url, admin));
      }
    }
    cameras.forEach(KillLoopCamera::start);
    readers.forEach(KillLoopReader::start);
    long maxReadyNanos = 0;
    int checks = 0;
    int killed = 0;
    int killsDuringMp4 = 0;
    long killingSince = System.nanoTime();
    try {
      for (int kill = 1; kill <= kills; kill++) {
        if (MINUTES > 0 && System.nanoTime() - killingSince > TimeUnit.MINUTES.toNanos(MINUTES)) {
          System.out.println("kill loop: " + MINUTES + " minutes of killing are over after " + killed + " kills");
          break;
        }
        String moment;
        if (random.nextInt(5) == 0) {
          int delay = random.nextInt(EARLY_MAX_DELAY_MS);
          moment = delay + " ms after the start";
          Thread.sleep(delay); // the fault's random moment
        } else {
          node.url();
          assertAckedFragmentsListed(url, admin, cameras, replay);
          checks++;
          awaitEveryCameraStoring(cameras, replay);
          int delay = random.nextInt(MAX_DELAY_MS);
          moment = delay + " ms after every camera stored again";
          Thread.sleep(delay); // the fault's random moment
        }
        // for the record: a kill that lands during an MP4 upload (its conversion, or a progressive one's spool)
        List<String> mp4Uploading = cameras.stream().filter(c -> c.format != KillLoopCamera.Format.MKV && c.connected)
            .map(c -> c.stream + " " + c.format).toList();
        if (!mp4Uploading.isEmpty()) {
          killsDuringMp4++;
        }
        node.kill();
        killed = kill;
        System.out.println("kill " + kill + "/" + kills + ": " + moment + "; acked so far " + ackedCounts(cameras)
            + "; MP4 connections open or opening " + mp4Uploading);
        long started = System.nanoTime();
        node = node.restart();
        node.url();
        long ready = System.nanoTime() - started;
        maxReadyNanos = Math.max(maxReadyNanos, ready);
        String log = node.stderr();
        int startedIn = log.lastIndexOf("(store " + store + ", started in");
        System.out.println("restart " + kill + ": ready after " + TimeUnit.NANOSECONDS.toMillis(ready) + " ms "
            + (startedIn < 0 ? "" : log.substring(startedIn, log.indexOf(')', startedIn) + 1)));
      }
      assertAckedFragmentsListed(url, admin, cameras, replay);
      awaitEveryCameraStoring(cameras, replay);
      // a clean stop with the cameras still streaming, then a clean restart on the same data dir
      for (KillLoopReader r : readers) {
        r.stop();
      }
      cameras.forEach(KillLoopCamera::stopReconnecting);
      assertEquals(0, node.exitCode(true), "a clean stop after the kills" + replay);
      for (KillLoopCamera c : cameras) {
        c.join();
      }
      node = node.restart();
      node.url();

      Map<String, Integer> checked = new LinkedHashMap<>();
      Map<String, Integer> unacked = new LinkedHashMap<>();
      for (KillLoopCamera c : cameras) {
        assertEquals(List.of(), c.errors, c.stream + ": ERROR acks" + replay);
        assertEquals(List.of(), c.backwards, c.stream + ": fragment numbers went backwards" + replay);
        checked.put(c.stream + " " + c.format, assertEveryAckedFragmentReads(url, admin, c, replay));
        unacked.put(c.stream, assertUnackedListedFragmentsRead(url, admin, c, replay));
      }
      for (KillLoopReader r : readers) {
        assertEquals(List.of(), r.failures, r.stream + "'s live reader" + replay);
        assertTrue(r.fragments.get() > 0, r.stream + "'s live reader read fragments" + replay);
      }
      assertAckedFragmentsListed(url, admin, cameras, replay);
      System.out.println("kill loop: " + killed + " kills on the " + store + " store (" + killsDuringMp4
          + " with an MP4 camera's connection open or opening), every acked fragment read; fragments checked per stream "
          + checked + "; listed but never acked (stored just before a kill), each read whole: " + unacked
          + "; listed after " + checks + " restarts; readers read " + readers.stream().map(r -> r.stream + "="
          + r.fragments.get() + " (" + r.resumed.get() + " resumed)").toList() + "; max restart-to-ready "
          + TimeUnit.NANOSECONDS.toMillis(maxReadyNanos) + " ms" + replay);
      assertEquals(List.of(), DataDirLeftovers.in(nodeDir.resolve("data")),
          "files of interrupted writes left after a clean restart" + replay);
    } finally {
      cameras.forEach(KillLoopCamera::stopReconnecting);
      for (KillLoopReader r : readers) {
        r.stop();
      }
      node.kill();
    }
  }

  /** Of every six cameras, four send MKV, one a fragmented MP4 and one a progressive MP4. */
  private static KillLoopCamera.Format format(int camera) {
    return switch (camera % 6) {
      case 4 -> KillLoopCamera.Format.FRAGMENTED_MP4;
      case 5 -> KillLoopCamera.Format.PROGRESSIVE_MP4;
      default -> KillLoopCamera.Format.MKV;
    };
  }

  private static Map<String, Integer> ackedCounts(List<KillLoopCamera> cameras) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    cameras.forEach(c -> counts.put(c.stream, c.persistedCount()));
    return counts;
  }

  /** Waits until every camera got a PERSISTED ack after this moment: ingest runs on every stream. */
  private static void awaitEveryCameraStoring(List<KillLoopCamera> cameras, String replay) throws InterruptedException {
    Map<String, Integer> before = ackedCounts(cameras);
    Conditions.await("every camera gets a PERSISTED ack from the restarted server" + replay,
        () -> cameras.stream().allMatch(c -> c.persistedCount() > before.get(c.stream)));
  }

  /**
   * Every fragment acked PERSISTED so far is in the index (ListFragments lists it, once), and the
   * newest of each stream reads back whole: the cheap check after each restart.
   */
  private static void assertAckedFragmentsListed(URI url, AdminCredentials admin, List<KillLoopCamera> cameras,
      String replay) throws Exception {
    try (KinesisVideoArchivedMediaClient archived = MediaClients.archived(url, admin.accessKeyId(),
        admin.secretAccessKey())) {
      for (KillLoopCamera c : cameras) {
        List<String> acked = c.persisted();
        List<String> listed = archived.listFragmentsPaginator(r -> r.streamName(c.stream)).fragments().stream()
            .map(Fragment::fragmentNumber).toList();
        Set<String> unique = new HashSet<>(listed);
        assertEquals(listed.size(), unique.size(), c.stream + ": a fragment listed twice" + replay);
        List<String> missing = acked.stream().filter(n -> !unique.contains(n)).toList();
        assertEquals(List.of(), missing, c.stream + ": acked PERSISTED but not listed" + replay);
        if (!acked.isEmpty()) {
          readWhole(archived, c.stream, acked.subList(acked.size() - 1, acked.size()), replay);
        }
      }
    }
  }

  /** Reads every acked fragment of the camera's stream with GetMediaForFragmentList; returns how many. */
  private static int assertEveryAckedFragmentReads(URI url, AdminCredentials admin, KillLoopCamera c, String replay)
      throws Exception {
    List<String> acked = c.persisted();
    assertTrue(!acked.isEmpty(), c.stream + ": fragments were acked" + replay);
    try (KinesisVideoArchivedMediaClient archived = MediaClients.archived(url, admin.accessKeyId(),
        admin.secretAccessKey())) {
      for (int from = 0; from < acked.size(); from += READ_BATCH) {
        readWhole(archived, c.stream, acked.subList(from, Math.min(acked.size(), from + READ_BATCH)), replay);
      }
    }
    return acked.size();
  }

  /**
   * The fragments the index lists that were never acked PERSISTED (a chunk stored just before a
   * kill, before its ack was sent, which a later index load lists as KVS would): each reads whole,
   * so no partial upload or torn write is listed. Returns how many there are.
   */
  private static int assertUnackedListedFragmentsRead(URI url, AdminCredentials admin, KillLoopCamera c, String replay)
      throws Exception {
    Set<String> acked = new HashSet<>(c.persisted());
    try (KinesisVideoArchivedMediaClient archived = MediaClients.archived(url, admin.accessKeyId(),
        admin.secretAccessKey())) {
      List<String> extra = archived.listFragmentsPaginator(r -> r.streamName(c.stream)).fragments().stream()
          .map(Fragment::fragmentNumber).filter(n -> !acked.contains(n)).toList();
      for (int from = 0; from < extra.size(); from += READ_BATCH) {
        readWhole(archived, c.stream, extra.subList(from, Math.min(extra.size(), from + READ_BATCH)), replay);
      }
      return extra.size();
    }
  }

  /** The fragments decrypt and parse: each one a chunk with frames, in the order asked. */
  private static void readWhole(KinesisVideoArchivedMediaClient archived, String stream, List<String> numbers,
      String replay) throws Exception {
    try (ResponseInputStream<GetMediaForFragmentListResponse> in = archived.getMediaForFragmentList(
        r -> r.streamName(stream).fragments(numbers), ResponseTransformer.toInputStream())) {
      KvsStream read = KvsStream.read(in); // the response ends after the last fragment asked for
      assertEquals(numbers, read.chunks.stream().map(KvsStream.Chunk::number).toList(),
          stream + ": fragments read back" + replay);
      for (KvsStream.Chunk chunk : read.chunks) {
        assertTrue(!chunk.frames.isEmpty(), stream + ": fragment " + chunk.number() + " has frames" + replay);
      }
    }
  }
}
