package io.vidlog.playback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.playback.testing.TestChunks;
import io.vidlog.playback.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.kinesisvideomedia.KinesisVideoMediaClient;
import software.amazon.awssdk.services.kinesisvideomedia.model.GetMediaRequest;
import software.amazon.awssdk.services.kinesisvideomedia.model.GetMediaResponse;
import software.amazon.awssdk.services.kinesisvideomedia.model.StartSelector;
import software.amazon.awssdk.services.kinesisvideomedia.model.StartSelectorType;

/** ffprobe reads a saved GetMedia response (interop: fails, never skips, when ffprobe is missing). */
@Tag("interop")
class GetMediaFfprobeIT {
  static TestServer server;
  static KinesisVideoMediaClient client;
  static List<TestChunks.Fragment> fragments;

  @BeforeAll
  static void start() throws Exception {
    server = new TestServer(PlaybackConfig.DEFAULTS, -1);
    client = server.mediaClient();
    StreamInfo s = server.store.createStream("probe", 24);
    // One more than the tests save: a saved response is cut at the next chunk's EBML header.
    fragments = TestChunks.fragments(9, System.currentTimeMillis() - 60_000);
    for (TestChunks.Fragment f : fragments) {
      server.store.persist(s, f.header(), f.mkv());
    }
  }

  @AfterAll
  static void stop() throws Exception {
    client.close();
    server.close();
  }

  /** The first {@code chunks} chunks of an EARLIEST response, cut at the next chunk's EBML header. */
  static byte[] saveChunks(int chunks) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ResponseInputStream<GetMediaResponse> in = client.getMedia(GetMediaRequest.builder().streamName("probe")
        .startSelector(StartSelector.builder().startSelectorType(StartSelectorType.EARLIEST).build()).build(),
        ResponseTransformer.toInputStream())) {
      byte[] buf = new byte[8192];
      while (true) {
        int n = in.read(buf);
        if (n < 0) {
          break;
        }
        out.write(buf, 0, n);
        int cut = nthEbmlHeader(out.toByteArray(), chunks + 1);
        if (cut > 0) {
          in.abort();
          return java.util.Arrays.copyOf(out.toByteArray(), cut);
        }
      }
    }
    throw new AssertionError("response ended early");
  }

  static int nthEbmlHeader(byte[] b, int n) {
    int seen = 0;
    for (int i = 0; i + 3 < b.length; i++) {
      if ((b[i] & 0xFF) == 0x1A && (b[i + 1] & 0xFF) == 0x45 && (b[i + 2] & 0xFF) == 0xDF && (b[i + 3] & 0xFF) == 0xA3
          && ++seen == n) {
        return i;
      }
    }
    return -1;
  }

  record Probe(int exit, JsonObject json, String stderr) {}

  static Probe ffprobe(Path file) throws Exception {
    Process p = new ProcessBuilder("ffprobe", "-v", "error", "-count_frames", "-show_entries",
        "stream=codec_name,width,height,nb_read_frames", "-of", "json", file.toString()).start();
    byte[] stdout;
    byte[] stderr;
    try (InputStream o = p.getInputStream(); InputStream e = p.getErrorStream()) {
      stdout = o.readAllBytes();
      stderr = e.readAllBytes();
    }
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    return new Probe(p.exitValue(), new JsonObject(new String(stdout, StandardCharsets.UTF_8)),
        new String(stderr, StandardCharsets.UTF_8));
  }

  @Test
  void oneChunkIsAPlainMatroskaFileFfprobeDecodesWithoutAnyError(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("one.mkv");
    Files.write(file, saveChunks(1));
    Probe probe = ffprobe(file);
    assertEquals(0, probe.exit());
    assertEquals("", probe.stderr());
    JsonObject stream = probe.json().getJsonArray("streams").getJsonObject(0);
    assertEquals("h264", stream.getString("codec_name"));
    assertEquals(96, stream.getInteger("width"));
    assertEquals(fragments.get(0).frames().size(), Integer.parseInt(stream.getString("nb_read_frames")));
  }

  @Test
  void aWholeResponseDecodesEveryFrame(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("all.mkv");
    Files.write(file, saveChunks(8));
    Probe probe = ffprobe(file);
    assertEquals(0, probe.exit());
    int frames = fragments.subList(0, 8).stream().mapToInt(f -> f.frames().size()).sum();
    JsonObject stream = probe.json().getJsonArray("streams").getJsonObject(0);
    assertEquals(frames, Integer.parseInt(stream.getString("nb_read_frames")));
    // ffprobe notes each further chunk's Segment (one per fragment, as in real KVS GetMedia output,
    // where it prints the same line); nothing else may appear.
    for (String line : probe.stderr().split("\n")) {
      assertTrue(line.isBlank() || line.contains("Found unknown-length element with ID 0x18538067"), line);
    }
  }
}
