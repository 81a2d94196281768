package io.vidlog.media.fmp4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.media.fmp4.TestFragments.Frame;
import io.vidlog.media.mkv.MkvFrame;
import io.vidlog.media.mkv.MkvHandler;
import io.vidlog.media.mkv.MkvReader;
import io.vidlog.media.mkv.TrackEntry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Media made by ffmpeg for the interop tests, and ffmpeg/ffprobe's verdicts on what vidlog writes.
 * A missing program fails the test (never skips it).
 */
public final class InteropMedia {
  private InteropMedia() {}

  /** The Matroska source, read whole: tracks and frames with absolute ms timestamps. */
  public record Source(List<TrackEntry> tracks, List<Frame> frames) {
    public long count(int track) {
      return frames.stream().filter(f -> f.track() == track).count();
    }
  }

  /** A fragment cut from a source: its Cluster timecode (ms) and frames relative to it. */
  public record Cut(long clusterMs, List<Frame> frames) {}

  /**
   * Encodes {@code seconds} s of a moving test pattern ({@code videoEncoder}'s options, none for
   * audio only) and a 48 kHz tone to {@code mkv} and reads it back.
   */
  public static Source encode(Path mkv, String videoEncoder, boolean audio, int seconds, int fps, String size)
      throws Exception {
    List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-loglevel", "error", "-y"));
    if (videoEncoder != null) {
      cmd.addAll(List.of("-f", "lavfi", "-i", "testsrc2=size=" + size + ":rate=" + fps));
    }
    if (audio) {
      cmd.addAll(List.of("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000"));
    }
    cmd.addAll(List.of("-t", String.valueOf(seconds)));
    if (videoEncoder != null) {
      cmd.addAll(List.of(videoEncoder.trim().split(" ")));
      cmd.addAll(List.of("-pix_fmt", "yuv420p"));
    }
    if (audio) {
      cmd.addAll(List.of("-c:a", "aac", "-b:a", "64k"));
    }
    cmd.add(mkv.toString());
    run(cmd);
    List<TrackEntry> tracks = new ArrayList<>();
    List<Frame> frames = new ArrayList<>();
    MkvReader reader = new MkvReader(new MkvHandler() {
      @Override
      public void onTracks(List<TrackEntry> t, ByteBuffer raw) {
        tracks.addAll(t);
      }

      @Override
      public void onFrame(MkvFrame f) {
        byte[] p = new byte[f.payload().remaining()];
        f.payload().duplicate().get(p);
        // relativeMs holds the absolute ms time here; fragments re-base it on their cluster
        frames.add(new Frame(f.trackNumber(), (int) (f.timecodeNs() / 1_000_000), f.keyFrame(), p));
      }
    });
    reader.feed(ByteBuffer.wrap(Files.readAllBytes(mkv)));
    reader.end();
    return new Source(tracks, frames);
  }

  /**
   * Cuts the frames, in stream order, into fragments at each key frame of the first track (as a
   * KVS producer starts a cluster); each Cluster timecode is its earliest frame's time.
   */
  public static List<Cut> cut(Source src) {
    List<List<Frame>> groups = new ArrayList<>();
    int firstTrack = src.tracks().get(0).trackNumber();
    for (Frame f : src.frames()) {
      if (groups.isEmpty() || (f.track() == firstTrack && f.key() && !groups.get(groups.size() - 1)
          .stream().filter(x -> x.track() == firstTrack).toList().isEmpty())) {
        groups.add(new ArrayList<>());
      }
      groups.get(groups.size() - 1).add(f);
    }
    List<Cut> out = new ArrayList<>();
    for (List<Frame> g : groups) {
      long cluster = start(g);
      out.add(new Cut(cluster, g.stream().map(f -> new Frame(f.track(), (int) (f.relativeMs() - cluster),
          f.key(), f.payload())).toList()));
    }
    return out;
  }

  public static long start(List<Frame> frames) {
    return frames.stream().mapToLong(Frame::relativeMs).min().orElseThrow();
  }

  /** ffprobe's format duration, counted from 0 as ffprobe counts it. */
  public static double span(Path file) throws Exception {
    return Double.parseDouble(run(List.of("ffprobe", "-v", "error", "-show_entries", "format=duration",
        "-of", "default=nk=1:nw=1", file.toString())).trim());
  }

  /** First video presentation time minus first audio presentation time, in seconds, per ffprobe. */
  public static double startGap(Path file) throws Exception {
    return new java.math.BigDecimal(startTime(file, "v:0")).subtract(new java.math.BigDecimal(startTime(file, "a:0")))
        .doubleValue();
  }

  public static String startTime(Path file, String stream) throws Exception {
    return run(List.of("ffprobe", "-v", "error", "-select_streams", stream, "-show_entries",
        "stream=start_time", "-of", "default=nk=1:nw=1", file.toString())).trim().split("\\s+")[0];
  }

  /** What {@code ffmpeg -v error -i file -f null -} says: nothing when every frame decodes. */
  public static String decodeErrors(Path file) throws Exception {
    return run(List.of("ffmpeg", "-hide_banner", "-v", "error", "-i", file.toString(), "-f", "null", "-"));
  }

  /** ffprobe's stream entries after counting frames (nb_read_frames) of {@code stream}. */
  public static Map<String, String> probeStream(Path file, String stream) throws Exception {
    String out = run(List.of("ffprobe", "-v", "error", "-count_frames", "-select_streams", stream,
        "-show_entries", "stream=codec_name,codec_tag_string,profile,width,height,sample_rate,nb_read_frames,duration",
        "-of", "default=nw=1", file.toString()));
    Map<String, String> m = new HashMap<>();
    for (String line : out.split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        m.put(line.substring(0, eq), line.substring(eq + 1).trim());
      }
    }
    return m;
  }

  /** Runs a command; returns stdout and stderr together, fails on a non-zero exit. */
  public static String run(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out: " + cmd);
    assertEquals(0, p.exitValue(), cmd + " failed: " + out);
    return out;
  }
}
