package io.vidlog.producer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.producer.ReadFragment;
import io.vidlog.producer.ReadFrame;
import io.vidlog.producer.StreamInfo;
import io.vidlog.producer.VidlogClient;
import io.vidlog.producer.source.FileSources;
import io.vidlog.producer.source.FrameRate;
import io.vidlog.producer.source.Recorder;
import io.vidlog.producer.source.SourceFrame;
import io.vidlog.producer.source.TestMedia;
import io.vidlog.producer.testing.TestVidlog;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code vidlog} CLI as shipped ({@code java -jar target/vidlog.jar}, credentials and endpoint
 * in the environment) against a real vidlog over TLS: the stream commands, each file kind put and
 * read back identical, the camera for a duration, fragments listed and downloaded, and a put whose
 * fragment is refused ending with exit code 1.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliIT {
  Path work;
  TestVidlog vidlog;
  VidlogClient client;
  /** Frames of the test-pattern camera, 160x120, a key frame every 10 frames. */
  Recorder camera;

  @BeforeAll
  void start(@TempDir Path dataDir, @TempDir Path workDir) throws Exception {
    work = workDir;
    vidlog = TestVidlog.start(dataDir);
    client = vidlog.client();
    camera = TestMedia.cameraFrames(160, 120, 60, 10);
  }

  @AfterAll
  void stop() {
    if (client != null) {
      client.close();
    }
    if (vidlog != null) {
      vidlog.close();
    }
  }

  @Test
  void streamsAreCreatedListedDescribedAndDeleted() throws Exception {
    CliProcess.Result created = CliProcess.run(vidlog, work, "streams", "create", "--stream", "cli-streams",
        "--retention", "48");
    assertEquals(0, created.exitCode(), created::toString);
    StreamInfo info = client.describeStream("cli-streams");
    assertEquals(info.streamArn() + "\n", created.stdout());
    assertEquals(48, info.dataRetentionInHours());

    CliProcess.Result listed = CliProcess.run(vidlog, work, "streams", "list");
    assertTrue(listed.stdout().lines().anyMatch(l -> l.startsWith("cli-streams ") && l.contains("ACTIVE")
        && l.contains("48h")), listed::toString);
    // the connection options work before the command name too
    CliProcess.Result described = CliProcess.run(vidlog, work, "--region", "us-east-1", "streams", "describe",
        "--stream", "cli-streams");
    assertTrue(described.stdout().contains("StreamARN:            " + info.streamArn()), described::toString);

    assertEquals(0, CliProcess.run(vidlog, work, "streams", "delete", "--stream", "cli-streams").exitCode());
    CliProcess.Result gone = CliProcess.run(vidlog, work, "streams", "describe", "--stream", "cli-streams");
    assertEquals(1, gone.exitCode(), gone::toString);
    assertTrue(gone.stderr().contains("ResourceNotFoundException"), gone::toString);
  }

  @Test
  void anMkvWhoseClustersSplitGopsIsPutAndReadBackIdentical() throws Exception {
    Path file = TestMedia.write(work.resolve("cam.mkv"), TestMedia.mkv(camera.tracks(), camera.frames, 7, true));
    assertPutReadsBack(file, "cli-put-mkv", 6);
  }

  @Test
  void aRawH264FileIsPutAndReadBackIdentical() throws Exception {
    assertPutReadsBack(TestMedia.write(work.resolve("cam.h264"), TestMedia.annexB(camera.frames)), "cli-put-h264", 6);
  }

  @Test
  void anMp4FileIsPutAndReadBackIdentical() throws Exception {
    Path file = work.resolve("cam.mp4");
    TestMedia.mp4(file, camera.tracks().get(0), camera.frames);
    assertPutReadsBack(file, "cli-put-mp4", 6);
  }

  @Test
  void aPutWhoseFragmentIsRefusedExitsWithOne() throws Exception {
    // the second GOP starts 300 ms before the first one ends: the service refuses that fragment (4004,
    // timestamps out of order, docs/wire-protocol.md §1.4)
    List<SourceFrame> frames = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      SourceFrame f = camera.frames.get(i);
      long pts = f.ptsNanos() - (i >= 10 ? 300_000_000L : 0);
      frames.add(new SourceFrame(f.track(), pts, pts, f.keyFrame(), f.data()));
    }
    Path file = TestMedia.write(work.resolve("backwards.mkv"), TestMedia.mkv(camera.tracks(), frames, 10, true));
    CliProcess.Result put = CliProcess.run(vidlog, work, "put", file.toString(), "--stream", "cli-refused");
    assertEquals(1, put.exitCode(), put::toString);
    assertTrue(put.stdout().contains("20 frames in 2 fragments, 1 persisted, 1 dropped"), put::toString);
    assertTrue(put.stdout().contains("not every fragment was persisted"), put::toString);
    assertEquals(10, StoredFrames.read(client, "cli-refused").frames.size());
  }

  @Test
  void aFileOfNoKnownKindIsRefusedNamingWhatItStartsWith() throws Exception {
    Path file = TestMedia.write(work.resolve("notes.txt"), "hello".getBytes());
    CliProcess.Result put = CliProcess.run(vidlog, work, "put", file.toString(), "--stream", "cli-text");
    assertEquals(1, put.exitCode(), put::toString);
    assertTrue(put.stderr().contains("not an MKV, MP4 or H.264 Annex-B file: it starts with 68 65 6c 6c 6f"),
        put::toString);
  }

  @Test
  void theCameraStreamsForItsDurationOnTheFrameGrid() throws Exception {
    CliProcess.Result run = CliProcess.run(vidlog, work, "camera", "--stream", "cli-camera", "--duration", "3",
        "--size", "160x120", "--fps", "10", "--gop", "10");
    assertEquals(0, run.exitCode(), run::toString);
    StoredFrames stored = StoredFrames.read(client, "cli-camera");
    // a loaded machine may make the camera skip frames: the summary counts what it sent, the grid holds anyway
    String summary = run.stdout().lines().findFirst().orElseThrow();
    int sent = Integer.parseInt(summary.replaceAll(".*: (\\d+) frames .*", "$1"));
    int skipped = Integer.parseInt(summary.replaceAll(".*, (\\d+) skipped late\\).*", "$1"));
    assertEquals(30, sent + skipped, summary);
    assertEquals(sent, stored.frames.size(), summary);
    long first = stored.frames.get(0).timestamp().toEpochMilli();
    for (ReadFrame f : stored.frames) {
      assertEquals(0, (f.timestamp().toEpochMilli() - first) % 100, "frame at " + f.timestamp() + " on the 100 ms grid");
    }
    for (ReadFragment f : stored.fragments) {
      assertTrue(f.frames().get(0).keyFrame(), "fragment " + f.fragmentNumber() + " starts with a key frame");
    }
    assertTrue(run.stdout().contains(stored.fragments.size() + " persisted, 0 dropped"), run::toString);
  }

  @Test
  void fragmentsAreListedAndDownloadedOneFileEachOrMerged() throws Exception {
    Path file = TestMedia.write(work.resolve("frag.mkv"), TestMedia.mkv(camera.tracks(), camera.frames, 7, true));
    assertEquals(0, CliProcess.run(vidlog, work, "put", file.toString(), "--stream", "cli-fragments").exitCode());
    StoredFrames stored = StoredFrames.read(client, "cli-fragments");

    CliProcess.Result list = CliProcess.run(vidlog, work, "fragments", "list", "--stream", "cli-fragments",
        "--from", "-1h", "--to", "+1h");
    assertEquals(0, list.exitCode(), list::toString);
    List<String> rows = list.stdout().lines().skip(1).toList();
    assertEquals(stored.fragments.stream().map(ReadFragment::fragmentNumber).toList(),
        rows.stream().map(r -> r.split(" +")[0]).toList());

    Path dir = work.resolve("fragments");
    CliProcess.Result get = CliProcess.run(vidlog, work, "fragments", "get", "--stream", "cli-fragments", "--from",
        "-1h", "--to", "+1h", "--out", dir.toString());
    assertEquals(0, get.exitCode(), get::toString);
    for (ReadFragment f : stored.fragments) {
      Recorder r = new Recorder();
      FileSources.open(dir.resolve(f.fragmentNumber() + ".mkv"), null).run(r);
      assertEquals(f.frames().size(), r.frames.size(), "frames of " + f.fragmentNumber());
      assertTrue(r.frames.get(0).keyFrame());
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(stored.fragments.size(), files.count(), "one file per fragment, no partial files left");
    }

    Path merged = work.resolve("merged.mkv");
    CliProcess.Result merge = CliProcess.run(vidlog, work, "fragments", "get", "--stream", "cli-fragments", "--from",
        "-1h", "--to", "+1h", "--out", merged.toString(), "--merge");
    assertEquals(0, merge.exitCode(), merge::toString);
    Recorder all = new Recorder();
    FileSources.open(merged, null).run(all);
    StoredFrames.assertSameFrames(all, stored.frames);
    assertEquals(camera.frames.size(), all.frames.size());
  }

  @Test
  void hlsUrlPrintsASessionUrlWhoseMasterPlaylistLoadsAndRefusesOptionsThatDoNotFit() throws Exception {
    Path file = TestMedia.write(work.resolve("hls.mkv"), TestMedia.mkv(camera.tracks(), camera.frames, 10, true));
    assertEquals(0, CliProcess.run(vidlog, work, "put", file.toString(), "--stream", "cli-hls").exitCode());
    CliProcess.Result replay = CliProcess.run(vidlog, work, "hls-url", "--stream", "cli-hls", "--mode", "replay",
        "--from", "-1h", "--timestamp", "server");
    assertEquals(0, replay.exitCode(), replay::toString);
    HttpResponse<String> master = HttpClient.newBuilder().sslContext(trustingTheServer()).build().send(
        HttpRequest.newBuilder(URI.create(replay.stdout().strip())).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, master.statusCode(), master::body);
    assertTrue(master.body().startsWith("#EXTM3U") && master.body().contains("getHLSMediaPlaylist.m3u8"),
        master::body);

    CliProcess.Result none = CliProcess.run(vidlog, work, "hls-url", "--stream", "cli-hls", "--mode", "on-demand",
        "--from", "-3h", "--to", "-2h");
    assertEquals(1, none.exitCode(), none::toString);
    assertTrue(none.stderr().contains("ResourceNotFoundException"), none::toString);

    assertUsageError("--mode on-demand needs --to", "hls-url", "--stream", "cli-hls", "--mode", "on-demand",
        "--from", "-1h");
    assertUsageError("--mode replay needs --from", "hls-url", "--stream", "cli-hls", "--mode", "replay");
    assertUsageError("--from and --to go with --mode replay or on-demand", "hls-url", "--stream", "cli-hls",
        "--from", "-1h");
    assertUsageError("--to -2h (", "hls-url", "--stream", "cli-hls", "--mode", "on-demand", "--from", "-1h", "--to",
        "-2h");
    assertUsageError("--mode rewind: want live, replay or on-demand", "hls-url", "--stream", "cli-hls", "--mode",
        "rewind");
    assertUsageError("--expires 60: want 300 to 43200 seconds", "hls-url", "--stream", "cli-hls", "--expires", "60");
  }

  private void assertUsageError(String message, String... args) throws Exception {
    CliProcess.Result r = CliProcess.run(vidlog, work, args);
    assertEquals(2, r.exitCode(), r::toString);
    assertTrue(r.stderr().contains(message), r::toString);
  }

  /** TLS that trusts the test server's self-signed certificate, as {@code --ca-cert} does. */
  private SSLContext trustingTheServer() throws Exception {
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    ks.load(null, null);
    try (InputStream in = Files.newInputStream(vidlog.certificate())) {
      ks.setCertificateEntry("vidlog", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  @Test
  void usageErrorsExitWithTwo() throws Exception {
    CliProcess.Result r = CliProcess.run(vidlog, work, "camera");
    assertEquals(2, r.exitCode(), r::toString);
    assertTrue(r.stderr().contains("--stream"), r::toString);
    assertFalse(r.stderr().contains("Exception"), r::toString);
  }

  private void assertPutReadsBack(Path file, String stream, int fragments) throws Exception {
    CliProcess.Result put = CliProcess.run(vidlog, work, "put", file.toString(), "--stream", stream);
    assertEquals(0, put.exitCode(), put::toString);
    assertTrue(put.stdout().contains(fragments + " fragments, " + fragments + " persisted, 0 dropped"), put::toString);
    Recorder source = new Recorder();
    FileSources.open(file, (FrameRate) null).run(source);
    StoredFrames stored = StoredFrames.read(client, stream);
    StoredFrames.assertSameFrames(source, stored.frames);
    assertEquals(fragments, stored.fragments.size());
    for (ReadFragment f : stored.fragments) {
      assertTrue(f.frames().get(0).keyFrame(), "fragment " + f.fragmentNumber() + " starts with a key frame");
    }
  }
}
