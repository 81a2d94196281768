package io.vidlog.server.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** ffmpeg and ffprobe as judges of what the server sends (interop: a missing program fails the test). */
final class Probe {
  private Probe() {}

  /** Runs a command; stdout and stderr together; fails on a non-zero exit. */
  static String run(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out: " + cmd);
    assertEquals(0, p.exitValue(), cmd + " failed: " + out);
    return out;
  }

  /** What {@code ffmpeg -v error -i input -f null -} prints: nothing when every frame decodes. */
  static String decodeErrors(String input, String... inputOptions) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-nostdin", "-v", "error"));
    cmd.addAll(List.of(inputOptions));
    cmd.addAll(List.of("-i", input, "-f", "null", "-"));
    return run(cmd);
  }

  /** ffprobe's entries of one stream after counting its frames ({@code nb_read_frames}). */
  static Map<String, String> stream(String input, String stream, String... inputOptions) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("ffprobe", "-v", "error"));
    cmd.addAll(List.of(inputOptions));
    cmd.addAll(List.of("-count_frames", "-select_streams", stream, "-show_entries",
        "stream=codec_name,profile,width,height,sample_rate,nb_read_frames,duration,start_time", "-of",
        "default=nw=1", input));
    Map<String, String> m = new HashMap<>();
    for (String line : run(cmd).split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        m.put(line.substring(0, eq), line.substring(eq + 1).trim());
      }
    }
    return m;
  }

  static Map<String, String> stream(Path file, String stream) throws Exception {
    return stream(file.toString(), stream);
  }

  /** ffprobe's format duration in seconds. */
  static double duration(Path file) throws Exception {
    return Double.parseDouble(run(List.of("ffprobe", "-v", "error", "-show_entries", "format=duration", "-of",
        "default=nk=1:nw=1", file.toString())).trim());
  }
}
