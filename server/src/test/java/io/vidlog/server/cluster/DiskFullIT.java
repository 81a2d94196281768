package io.vidlog.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vidlog.fragmentstore.chunk.ChunkHeader;
import io.vidlog.fragmentstore.chunk.ChunkMkv;
import io.vidlog.fragmentstore.testing.Conditions;
import io.vidlog.kvs.KvsTag;
import io.vidlog.media.ebml.EbmlWriter;
import io.vidlog.media.mkv.EbmlHeaderInfo;
import io.vidlog.media.mkv.MkvWriter;
import io.vidlog.server.keys.AdminCredentials;
import io.vidlog.server.support.HeaderSigner;
import io.vidlog.server.support.TestServers;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.kinesisvideo.KinesisVideoClient;
import software.amazon.awssdk.services.kinesisvideo.model.KinesisVideoException;
import software.amazon.awssdk.services.kinesisvideo.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.KinesisVideoArchivedMediaClient;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.Fragment;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.GetMediaForFragmentListResponse;
import software.amazon.awssdk.services.kinesisvideomedia.KinesisVideoMediaClient;
import software.amazon.awssdk.services.kinesisvideomedia.model.GetMediaResponse;
import software.amazon.awssdk.services.kinesisvideomedia.model.StartSelectorType;

/**
 * The shipped server with its data dir on a small file system ({@link SmallDisk}, a tmpfs) that a
 * filler file fills while a camera streams: ingest answers ERROR 5001 {@code STORE_FULL} for each
 * fragment it could not store and never PERSISTED, the connection goes on, the server does not spin,
 * reads of what is stored keep working, {@code /health} says the store is FULL, CreateStream is
 * refused with 503, no temp or spool file is left and no partial object is visible. Once space is
 * freed (the filler deleted) the same connection's next fragments persist without a restart. Filled
 * again, the server is stopped (its index flush meets the full disk) and started on the full disk:
 * it lists and serves exactly the fragments acked PERSISTED; then the tmpfs grows and a new
 * connection's fragments persist, with fragment numbers increasing throughout
 * (docs/architecture.md §Object store, docs/wire-protocol.md §1.3). In this package for {@link NodeProcess}.
 */
class DiskFullIT {
  private static final String STREAM = "full-disk";
  private static final int DISK_MB = 128;
  private static final int GROWN_MB = 256;
  /** About 200 KB per fragment: five 40 KB frames. */
  private static final int FRAMES = 5;
  private static final int FRAME_BYTES = 40_000;

  @TempDir
  Path dir;

  @Test
  void aFullDiskRefusesFragmentsPreciselyKeepsReadsAndRecoversByItself() throws Exception {
    Path node = dir.resolve("node");
    Path data = node.resolve("data");
    Files.createDirectories(data);
    List<NodeProcess> started = new ArrayList<>();
    try (SmallDisk disk = SmallDisk.mount(data, DISK_MB)) {
      try {
        // index segments of 5: a segment is written while the disk fills, and the tail that is left
        // meets the full disk in the flush at shutdown
        started.add(NodeProcess.start("full", node, disk.launcher(), List.of("-Dvidlog.index.segmentSize=5"),
            List.of("--port", "0", "--bind", "127.0.0.1"), List.of()));
        run(disk, started, data);
      } finally {
        for (NodeProcess n : started) {
          n.close();
        }
      }
    }
  }

  private void run(SmallDisk disk, List<NodeProcess> started, Path data) throws Exception {
    NodeProcess server = started.get(0);
    Path inside = disk.outside(data);
    URI url = server.url();
    AdminCredentials admin = AdminCredentials.read(inside.resolve(AdminCredentials.FILE));
    try (KinesisVideoClient kvs = TestServers.client(url, admin.accessKeyId(), admin.secretAccessKey())) {
      kvs.createStream(r -> r.streamName(STREAM).dataRetentionInHours(24));
    }
    List<String> persisted = new ArrayList<>();
    List<JsonObject> errors = new ArrayList<>();
    Path filler = inside.resolve("filler");
    long filled;
    long recoveryMs;
    try (Camera camera = new Camera(server.ingestUrl(), admin)) {
      for (int i = 0; i < 8; i++) {
        persisted.add(camera.persisted());
      }
      assertEquals("UP", server.health().getJsonObject("store").getString("status"));

      // 1. the disk fills up
      filled = fill(filler);
      awaitStore(server, "FULL");
      JsonObject health = server.health();
      assertEquals("DEGRADED", health.getString("status"), health.encode());
      for (int i = 0; i < 6; i++) {
        errors.add(camera.refused());
      }
      assertQuiet(server, camera);
      assertCreateStreamRefused(url, admin, "second");
      assertNoLeftovers(inside, "while the disk is full");
      assertReadable(url, admin, persisted, "while the disk is full");
      assertNotMinted(inside, persisted, "while the disk is full");

      // 2. space is freed: the same connection's next fragments persist, no restart
      long freedAt = System.nanoTime();
      Files.delete(filler);
      persisted.add(camera.persistedAfterRetries());
      recoveryMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - freedAt);
      for (int i = 0; i < 4; i++) {
        persisted.add(camera.persisted());
      }
      awaitStore(server, "UP");
      try (KinesisVideoClient kvs = TestServers.client(url, admin.accessKeyId(), admin.secretAccessKey())) {
        kvs.createStream(r -> r.streamName("second").dataRetentionInHours(24));
      }

      // 3. full again, and the server is stopped while it is (its shutdown flush of the index meets it)
      fill(filler);
      for (int i = 0; i < 3; i++) {
        errors.add(camera.refused());
      }
    }
    assertEquals(0, server.exitCode(true), "the server stopped cleanly on SIGTERM with the disk full");
    server = server.restart();
    started.add(server);
    url = running(server);
    awaitStore(server, "FULL");
    assertListed(url, admin, persisted, "after a restart on the full disk");
    assertReadable(url, admin, persisted, "after a restart on the full disk");
    try (Camera camera = new Camera(server.ingestUrl(), admin)) {
      errors.add(camera.refused());
      // 4. the file system grows: the same connection's next fragments persist
      disk.resize(GROWN_MB);
      persisted.add(camera.persistedAfterRetries());
      for (int i = 0; i < 3; i++) {
        persisted.add(camera.persisted());
      }
      awaitStore(server, "UP");
    }
    assertIncreasing(persisted);
    assertReadable(url, admin, persisted, "after the disk got space");
    String log = String.join("\n", server.stdout) + "\n" + server.stderr();
    int at = log.indexOf("not persisted");
    String refusals = at < 0 ? " nothing" : log.substring(at, Math.min(log.length(), at + 3000));
    for (JsonObject e : errors) {
      assertEquals(5001, e.getInteger("ErrorId"), e.encode());
      assertEquals("STORE_FULL", e.getString("ErrorCode"), e.encode() + "; the server logged:" + refusals);
      assertNotNull(e.getString("FragmentNumber"), e.encode());
    }
    assertNoLeftovers(inside, "after the upload");
    assertNotMinted(inside, persisted, "after the upload");
    System.out.printf("DiskFullIT: %d fragments PERSISTED, %d refused with 5001 STORE_FULL, filler %d bytes,"
        + " first PERSISTED %d ms after the filler was deleted%n", persisted.size(), errors.size(), filled, recoveryMs);

    // the index (its tail written while the disk was full, then grew) agrees with the store
    assertListed(url, admin, persisted, "at the end");
  }

  /** The server's URL once it runs; its log when it did not start. */
  private static URI running(NodeProcess server) throws Exception {
    try {
      return server.url();
    } catch (Exception e) {
      String err = server.stderr();
      throw new AssertionError("the server did not start: " + err.substring(Math.max(0, err.length() - 4000))
          + "\n" + String.join("\n", server.stdout), e);
    }
  }

  private static void awaitStore(NodeProcess server, String status) throws InterruptedException {
    Conditions.await("/health says the store is " + status,
        () -> status.equals(server.healthOrEmpty().getJsonObject("store", new JsonObject()).getString("status")));
  }

  /** CreateStream (a registry write) on the full disk: 503 ServiceUnavailable, nothing half-written. */
  private static void assertCreateStreamRefused(URI url, AdminCredentials admin, String name) {
    try (KinesisVideoClient kvs = TestServers.client(url, admin.accessKeyId(), admin.secretAccessKey())) {
      KinesisVideoException e = assertThrows(KinesisVideoException.class,
          () -> kvs.createStream(r -> r.streamName(name).dataRetentionInHours(24)));
      assertEquals(503, e.statusCode(), e.getMessage());
      assertTrue(e.getMessage().contains("no space left"), e.getMessage());
      assertThrows(ResourceNotFoundException.class, () -> kvs.describeStream(r -> r.streamName(name)),
          "a stream whose creation failed does not exist");
    }
  }

  /** Writes a file until the file system is full; returns its size. */
  private static long fill(Path filler) throws IOException {
    byte[] block = new byte[1 << 20];
    new SecureRandom().nextBytes(block);
    long written = 0;
    try (OutputStream out = Files.newOutputStream(filler)) {
      while (true) {
        out.write(block);
        written += block.length;
      }
    } catch (IOException e) {
      if (!String.valueOf(e.getMessage()).contains("No space left on device")) {
        throw e;
      }
    }
    return written;
  }

  /**
   * After the refusals the server does not spin: from the last refused fragment's ack until the
   * connection's first IDLE ack (3-6 s of silence), it used less than half a core.
   */
  private static void assertQuiet(NodeProcess server, Camera camera) throws Exception {
    long cpuBefore = cpuTicks(server);
    long before = System.nanoTime();
    camera.awaitIdle();
    double wall = (System.nanoTime() - before) / 1e9;
    double cpu = (cpuTicks(server) - cpuBefore) / 100.0; // USER_HZ
    assertTrue(server.process.isAlive(), "the server is alive");
    System.out.printf("DiskFullIT: %.2f CPU seconds in the %.1f s the full disk's connection was idle%n", cpu, wall);
    assertTrue(cpu < wall / 2, "the server does not spin on a full disk: " + cpu + " CPU s in " + wall + " s");
  }

  private static long cpuTicks(NodeProcess server) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + server.process.pid() + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  /** No temp file of a write (under any object key's directory) and no spool file is left. */
  private static void assertNoLeftovers(Path inside, String when) throws IOException, InterruptedException {
    // files only: the store's own temp directory (objects/.tmp) stays, empty
    Path objects = inside.resolve("objects");
    try (Stream<Path> all = Files.walk(objects)) {
      List<Path> temps = all.filter(Files::isRegularFile).filter(p -> DataDirLeftovers.isLeftover(p, objects)).toList();
      assertEquals(List.of(), temps, "no temp file left in the store " + when);
    }
    Conditions.await("no spool file is left " + when, () -> {
      try (Stream<Path> spool = Files.list(inside.resolve("spool"))) {
        return spool.noneMatch(p -> p.getFileName().toString().endsWith(".spool"));
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
  }

  /** Every chunk object in the store is one that was acked PERSISTED: nothing else became visible. */
  private static void assertNotMinted(Path inside, List<String> persisted, String when) throws IOException {
    try (Stream<Path> all = Files.walk(inside.resolve("objects").resolve("streams"))) {
      List<String> chunks = all.filter(p -> p.getParent().getFileName().toString().equals("chunks"))
          .map(p -> p.getFileName().toString()).sorted().toList();
      assertEquals(persisted.stream().sorted().toList(), chunks, "the chunk objects " + when);
    }
  }

  private static void assertIncreasing(List<String> numbers) {
    for (int i = 1; i < numbers.size(); i++) {
      assertTrue(new BigInteger(numbers.get(i)).compareTo(new BigInteger(numbers.get(i - 1))) > 0,
          "fragment numbers increase: " + numbers);
    }
  }

  private static List<String> listed(KinesisVideoArchivedMediaClient archived) {
    List<String> out = new ArrayList<>();
    String token = null;
    do {
      String t = token;
      var page = archived.listFragments(r -> r.streamName(STREAM).maxResults(1000L).nextToken(t));
      page.fragments().stream().map(Fragment::fragmentNumber).forEach(out::add);
      token = page.nextToken();
    } while (token != null);
    return out.stream().sorted().toList();
  }

  private static void assertListed(URI url, AdminCredentials admin, List<String> persisted, String when) {
    try (KinesisVideoArchivedMediaClient archived = io.vidlog.server.media.MediaClients.archived(url,
        admin.accessKeyId(), admin.secretAccessKey())) {
      assertEquals(persisted.stream().sorted().toList(), listed(archived),
          "ListFragments lists what was PERSISTED " + when);
    }
  }

  /**
   * ListFragments lists every PERSISTED fragment, GetMediaForFragmentList returns each one's bytes
   * (decrypted: every frame's payload is there), GetMedia from the first reads through the last.
   */
  private static void assertReadable(URI url, AdminCredentials admin, List<String> persisted, String when)
      throws Exception {
    try (KinesisVideoArchivedMediaClient archived = io.vidlog.server.media.MediaClients.archived(url,
        admin.accessKeyId(), admin.secretAccessKey());
         KinesisVideoMediaClient media = io.vidlog.server.media.MediaClients.media(url, admin.accessKeyId(),
             admin.secretAccessKey())) {
      List<String> listed = listed(archived);
      assertTrue(listed.containsAll(persisted), "ListFragments " + when + " lists every PERSISTED fragment");
      byte[] body;
      try (ResponseInputStream<GetMediaForFragmentListResponse> in = archived.getMediaForFragmentList(r -> r
          .streamName(STREAM).fragments(listed))) {
        body = in.readAllBytes();
      }
      String text = new String(body, StandardCharsets.ISO_8859_1);
      for (String n : listed) {
        assertTrue(text.contains(n), "GetMediaForFragmentList " + when + " returns fragment " + n);
      }
      assertTrue(body.length >= (long) listed.size() * FRAMES * FRAME_BYTES, "every frame " + when);
      String last = persisted.get(persisted.size() - 1);
      try (ResponseInputStream<GetMediaResponse> in = media.getMedia(r -> r.streamName(STREAM)
          .startSelector(s -> s.startSelectorType(StartSelectorType.FRAGMENT_NUMBER)
              .afterFragmentNumber(persisted.get(0))))) {
        assertTrue(readUntil(in, last), "GetMedia " + when + " reads up to fragment " + last);
      }
    }
  }

  /** Reads until {@code marker} has gone by; false when the stream ended first. */
  private static boolean readUntil(InputStream in, String marker) throws IOException {
    byte[] m = marker.getBytes(StandardCharsets.US_ASCII);
    int matched = 0;
    for (int b; (b = in.read()) >= 0; ) {
      matched = b == m[matched] ? matched + 1 : b == m[0] ? 1 : 0;
      if (matched == m.length) {
        return true;
      }
    }
    return false;
  }

  /**
   * A camera on one long PutMedia connection (HTTP/1.1 chunked, SigV4-signed like the C producer):
   * one video track, each fragment five 40 KB frames ending with the KVS end-of-fragment tag, the
   * next sent once the previous one has its final ack.
   */
  private static final class Camera implements AutoCloseable {
    private static final EbmlWriter EBML = MkvWriter.MINIMAL.ebml();
    private final SSLSocket socket;
    private final OutputStream out;
    private final LinkedBlockingQueue<JsonObject> acks = new LinkedBlockingQueue<>();
    private long timecode;

    Camera(URI endpoint, AdminCredentials admin) throws Exception {
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, TestServers.TRUST_ALL, new SecureRandom());
      socket = (SSLSocket) ssl.getSocketFactory().createSocket(endpoint.getHost(), endpoint.getPort());
      socket.setSoTimeout(120_000);
      out = socket.getOutputStream();
      String host = endpoint.getHost() + ":" + endpoint.getPort();
      Map<String, String> headers = new HashMap<>(Map.of("host", host, "x-amzn-stream-name", STREAM,
          "x-amzn-fragment-timecode-type", "RELATIVE"));
      StringBuilder head = new StringBuilder("POST /putMedia HTTP/1.1\r\n");
      HeaderSigner.sign("POST", "/putMedia", headers, admin.accessKeyId(), admin.secretAccessKey(), "us-west-2")
          .forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
      head.append("transfer-encoding: chunked\r\n\r\n");
      out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
      chunk(header());
      InputStream in = socket.getInputStream();
      StringBuilder status = new StringBuilder();
      for (int c; (c = in.read()) >= 0 && c != '\n'; ) {
        status.append((char) c);
      }
      assertTrue(status.toString().startsWith("HTTP/1.1 200"), status.toString());
      Thread reader = new Thread(() -> {
        try {
          BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
          for (String line; (line = lines.readLine()) != null; ) {
            if (line.startsWith("{")) {
              acks.add(new JsonObject(line));
            }
          }
        } catch (IOException e) {
          // the connection ended: the test sees no more acks
        }
      }, "camera-acks");
      reader.setDaemon(true);
      reader.start();
    }

    /** Sends the next fragment and returns its final ack (PERSISTED or ERROR). */
    JsonObject send() throws Exception {
      Buffer f = Buffer.buffer().appendBuffer(ChunkMkv.clusterStart(timecode));
      for (int i = 0; i < FRAMES; i++) {
        byte[] payload = new byte[FRAME_BYTES];
        java.util.Arrays.fill(payload, (byte) (timecode / 1000 + i));
        f.appendBuffer(ChunkMkv.simpleBlockHeader(1, i * 40, i == 0 ? 0x80 : 0, payload.length)).appendBytes(payload);
      }
      f.appendBuffer(ChunkMkv.producerTags(List.of(new ChunkHeader.Metadata(KvsTag.END_OF_FRAGMENT, ""))));
      timecode += 1000;
      chunk(f);
      while (true) {
        JsonObject ack = acks.poll(120, TimeUnit.SECONDS);
        assertNotNull(ack, "an ack arrives");
        String type = ack.getString("EventType");
        if ("PERSISTED".equals(type) || "ERROR".equals(type)) {
          return ack;
        }
      }
    }

    /** Waits for the connection's next IDLE ack (the server says it heard nothing for 3 s). */
    void awaitIdle() throws Exception {
      while (true) {
        JsonObject ack = acks.poll(120, TimeUnit.SECONDS);
        assertNotNull(ack, "an IDLE ack arrives");
        if ("IDLE".equals(ack.getString("EventType"))) {
          return;
        }
      }
    }

    String persisted() throws Exception {
      JsonObject ack = send();
      assertEquals("PERSISTED", ack.getString("EventType"), ack.encode());
      return ack.getString("FragmentNumber");
    }

    JsonObject refused() throws Exception {
      JsonObject ack = send();
      assertEquals("ERROR", ack.getString("EventType"), "a fragment sent to a full disk is refused: " + ack.encode());
      return ack;
    }

    /**
     * Sends fragments until one is PERSISTED (space was just freed; a fragment whose write began
     * before may still be refused) and returns its number; none of the refused is in the store.
     */
    String persistedAfterRetries() throws Exception {
      for (int attempt = 0; attempt < 20; attempt++) {
        JsonObject ack = send();
        if ("PERSISTED".equals(ack.getString("EventType"))) {
          return ack.getString("FragmentNumber");
        }
        assertEquals("STORE_FULL", ack.getString("ErrorCode"), ack.encode());
      }
      throw new AssertionError("no fragment persisted after the disk got space again");
    }

    private Buffer header() {
      Buffer b = Buffer.buffer().appendBuffer(ChunkMkv.ebmlHeader(new EbmlHeaderInfo("matroska", 2, 2, 4, 8)))
          .appendBuffer(ChunkMkv.segmentStart());
      Buffer info = Buffer.buffer().appendBytes(EBML.uint(0x2AD7B1, 1_000_000L))
          .appendBytes(EBML.string(0x4D80, "DiskFullIT")).appendBytes(EBML.string(0x5741, "DiskFullIT"));
      element(b, 0x1549A966, info);
      Buffer video = Buffer.buffer().appendBytes(EBML.uint(0xB0, 320)).appendBytes(EBML.uint(0xBA, 240));
      Buffer track = Buffer.buffer().appendBytes(EBML.uint(0xD7, 1)).appendBytes(EBML.uint(0x73C5, 1001))
          .appendBytes(EBML.uint(0x83, 1)).appendBytes(EBML.string(0x86, "V_MPEG4/ISO/AVC"))
          .appendBytes(EBML.string(0x536E, "kinesis_video"));
      element(track, 0x63A2, Buffer.buffer(new byte[] {1, 0x42, 0, 0x1E, (byte) 0xFF}));
      element(track, 0xE0, video);
      Buffer tracks = Buffer.buffer();
      element(tracks, 0xAE, track);
      element(b, 0x1654AE6B, tracks);
      return b;
    }

    private static void element(Buffer to, int id, Buffer body) {
      to.appendBytes(EbmlWriter.id(id)).appendBytes(EBML.size(body.length())).appendBuffer(body);
    }

    private void chunk(Buffer data) throws IOException {
      out.write((Integer.toHexString(data.length()) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(data.getBytes());
      out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }

    @Override
    public void close() throws IOException {
      try {
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
      } catch (IOException e) {
        // the server may have closed already
      }
      socket.close();
    }
  }
}
