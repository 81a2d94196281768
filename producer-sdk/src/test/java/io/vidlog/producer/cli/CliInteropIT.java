package io.vidlog.producer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.producer.ReadFragment;
import io.vidlog.producer.ReadFrame;
import io.vidlog.producer.TimestampType;
import io.vidlog.producer.VidlogClient;
import io.vidlog.producer.source.FileSources;
import io.vidlog.producer.source.Recorder;
import io.vidlog.producer.testing.TestVidlog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI with media and readers nobody here wrote: ffmpeg makes H.264 (with B-frames) + AAC as MKV,
 * progressive MP4 and fragmented MP4; each is put and read back identical; what {@code fragments get}
 * writes (one file per fragment, and merged) and what {@code tail --out} writes, ffprobe reads with
 * every packet; ffprobe opens the URLs {@code hls-url} prints, live and on demand. Fails when ffmpeg or ffprobe is missing ({@code scripts/test.sh} installs them).
 */
@Tag("interop")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliInteropIT {
  Path work;
  TestVidlog vidlog;
  VidlogClient client;
  Path mkv;

  @BeforeAll
  void start(@TempDir Path dataDir, @TempDir Path workDir) throws Exception {
    work = workDir;
    vidlog = TestVidlog.start(dataDir);
    client = vidlog.client();
    mkv = work.resolve("ffmpeg.mkv");
    run("ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25", "-f", "lavfi", "-i",
        "sine=frequency=440:sample_rate=48000", "-t", "4", "-c:v", "libx264", "-preset", "veryfast", "-bf", "2",
        "-pix_fmt", "yuv420p", "-g", "25", "-c:a", "aac", "-b:a", "64k", mkv.toString());
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
  void anFfmpegMkvWithBFramesAndAacIsPutAndReadBackIdentical() throws Exception {
    assertPutReadsBack(mkv, "interop-mkv");
  }

  @Test
  void aProgressiveMp4IsPutAndReadBackIdentical() throws Exception {
    Path mp4 = work.resolve("progressive.mp4");
    run("ffmpeg", "-v", "error", "-i", mkv.toString(), "-c", "copy", "-movflags", "+faststart", mp4.toString());
    assertPutReadsBack(mp4, "interop-mp4");
  }

  @Test
  void aFragmentedMp4IsPutAndReadBackIdentical() throws Exception {
    Path mp4 = work.resolve("fragmented.mp4");
    run("ffmpeg", "-v", "error", "-i", mkv.toString(), "-c", "copy", "-movflags",
        "frag_keyframe+empty_moov+default_base_moof", mp4.toString());
    assertPutReadsBack(mp4, "interop-fmp4");
  }

  @Test
  void ffprobeReadsEveryPacketOfTheDownloadedFragmentsAndOfTheTailedFile() throws Exception {
    String stream = "interop-get";
    assertEquals(0, CliProcess.run(vidlog, work, "put", mkv.toString(), "--stream", stream).exitCode());
    StoredFrames stored = StoredFrames.read(client, stream);

    Path dir = work.resolve("fragments");
    assertEquals(0, CliProcess.run(vidlog, work, "fragments", "get", "--stream", stream, "--from", "-1h", "--to", "+1h",
        "--out", dir.toString()).exitCode());
    for (ReadFragment f : stored.fragments) {
      assertEquals(perTrack(f.frames()), ffprobePackets(dir.resolve(f.fragmentNumber() + ".mkv")),
          "packets of fragment " + f.fragmentNumber());
    }

    Path merged = work.resolve("merged.mkv");
    assertEquals(0, CliProcess.run(vidlog, work, "fragments", "get", "--stream", stream, "--from", "-1h", "--to", "+1h",
        "--out", merged.toString(), "--merge").exitCode());
    assertEquals(perTrack(stored.frames), ffprobePackets(merged));

    Path tailed = work.resolve("tailed.mkv");
    CliProcess tail = CliProcess.start(vidlog, work, "tail", "--stream", stream, "--start", "earliest",
        "--checkpoint", work.resolve("cp").toString(), "--out", tailed.toString());
    String last = stored.fragments.get(stored.fragments.size() - 1).fragmentNumber();
    TailIT.await(() -> read(work.resolve("cp")).contains(last + " ") && read(work.resolve("cp")).contains("complete"),
        "the tail reached the last fragment");
    tail.stop();
    assertEquals(perTrack(stored.frames), ffprobePackets(tailed));
  }

  @Test
  void ffprobeOpensTheHlsUrlOfALiveCameraAndReadsEveryFrameOfAnOnDemandRange() throws Exception {
    String stream = "interop-hls";
    CliProcess camera = CliProcess.start(vidlog, work, "camera", "--stream", stream, "--size", "160x120", "--fps",
        "10", "--gop", "10");
    try {
      // the camera creates the stream once its encoder is warm
      TailIT.await(() -> client.findStream(stream).isPresent() && !client.listFragments(stream,
          TimestampType.SERVER_TIMESTAMP, Instant.EPOCH, Instant.now().plusSeconds(60)).isEmpty(),
          "the camera's first fragment is stored");
      CliProcess.Result live = CliProcess.run(vidlog, work, "hls-url", "--stream", stream);
      assertEquals(0, live.exitCode(), live::toString);
      String url = live.stdout().strip();
      assertTrue(url.startsWith(vidlog.url() + "/hls/v1/getHLSMasterPlaylist.m3u8?SessionToken="), url);
      assertEquals(List.of("h264,160,120"), streams(run("ffprobe", "-v", "error", "-show_entries",
          "stream=codec_name,width,height", "-of", "csv=p=0", url)));
    } finally {
      camera.stop();
    }
    StoredFrames stored = StoredFrames.read(client, stream);
    CliProcess.Result range = CliProcess.run(vidlog, work, "hls-url", "--stream", stream, "--mode", "on-demand",
        "--from", "-10m", "--to", "+1m", "--container", "ts", "--expires", "600");
    assertEquals(0, range.exitCode(), range::toString);
    assertEquals(List.of(String.valueOf(stored.frames.size())), streams(run("ffprobe", "-v", "error",
        "-count_packets", "-show_entries", "stream=nb_read_packets", "-of", "csv=p=0", range.stdout().strip())),
        "every stored frame in the on-demand session's segments");
  }

  /** ffprobe's stream lines; an HLS input lists its streams once under its program and once on their own. */
  private static List<String> streams(List<String> lines) {
    return lines.stream().filter(l -> !l.isBlank()).distinct().toList();
  }

  private void assertPutReadsBack(Path file, String stream) throws Exception {
    CliProcess.Result put = CliProcess.run(vidlog, work, "put", file.toString(), "--stream", stream);
    assertEquals(0, put.exitCode(), put::toString);
    assertTrue(put.stdout().contains(" 0 dropped"), put::toString);
    Recorder source = new Recorder();
    FileSources.open(file, null).run(source);
    assertEquals(2, source.tracks().size());
    StoredFrames.assertSameFrames(source, StoredFrames.read(client, stream).frames);
  }

  /** Frames per track index (0-based, as ffprobe numbers streams). */
  private static Map<Integer, Integer> perTrack(List<ReadFrame> frames) {
    Map<Integer, Integer> m = new TreeMap<>();
    frames.forEach(f -> m.merge(f.trackNumber() - 1, 1, Integer::sum));
    return m;
  }

  private Map<Integer, Integer> ffprobePackets(Path file) throws Exception {
    Map<Integer, Integer> m = new TreeMap<>();
    for (String line : run("ffprobe", "-v", "error", "-show_entries", "packet=stream_index", "-of", "csv=p=0",
        file.toString())) {
      if (!line.isBlank()) {
        m.merge(Integer.parseInt(line.trim().replace(",", "")), 1, Integer::sum);
      }
    }
    return m;
  }

  private static String read(Path p) {
    try {
      return java.nio.file.Files.exists(p) ? java.nio.file.Files.readString(p) : "";
    } catch (IOException e) {
      return "";
    }
  }

  /** Runs a program; returns its standard output (its standard error goes into a failure message). */
  private List<String> run(String... cmd) throws Exception {
    Path err = java.nio.file.Files.createTempFile(work, "stderr", ".txt");
    Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(2, TimeUnit.MINUTES), String.join(" ", cmd) + " did not finish");
    assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + read(err));
    return new ArrayList<>(new String(out, StandardCharsets.UTF_8).lines().toList());
  }
}
