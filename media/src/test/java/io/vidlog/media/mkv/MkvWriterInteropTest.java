package io.vidlog.media.mkv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ffprobe (a reader nobody here wrote) reads what {@link MkvWriter} writes in the KVS producer
 * layout: the ffmpeg fixture's real H.264/AAC frames are remuxed through our reader and writer, and
 * ffprobe must see every packet with its track, timestamp, size and key flag. Fails if ffprobe is
 * missing.
 */
@Tag("interop")
class MkvWriterInteropTest {

  @Test
  void ffprobeReadsEveryPacketOfAKvsLayoutRemux(@TempDir Path dir) throws Exception {
    Collector src = Collector.read(DumpAsserts.resource("mkv/ffmpeg-h264-aac.mkv"));
    MkvWriter w = MkvWriter.KVS;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(w.ebmlHeader());
    out.writeBytes(w.segmentStartUnknownSize());
    out.writeBytes(w.info(new SegmentInfo(1_000_000, Double.NaN, "remux", "vidlog", "vidlog test", new byte[16])));
    out.writeBytes(w.tracks(src.tracks.get(0)));
    List<String> expected = new ArrayList<>();
    long clusterTc = -1;
    for (Collector.Frame f : src.frames) {
      long ms = f.frame().timecodeNs() / 1_000_000;
      if (f.frame().trackNumber() == 1 && f.frame().keyFrame()) {
        if (clusterTc >= 0) {
          out.writeBytes(w.tags(SimpleTag.of("frame", Long.toString(ms))));
        }
        clusterTc = Math.max(0, ms - 200); // leaves room for the negative audio offsets of the source
        out.writeBytes(w.clusterStart(clusterTc, -1));
      }
      out.writeBytes(w.simpleBlockHeader(f.frame().trackNumber(), (int) (ms - clusterTc), f.frame().flags(),
          f.payload().length));
      out.writeBytes(f.payload());
      expected.add((f.frame().trackNumber() - 1) + "," + ms + "," + f.payload().length + ","
          + (f.frame().keyFrame() ? "K" : "_"));
    }
    Path file = dir.resolve("remux.mkv");
    Files.write(file, out.toByteArray());

    List<String> got = new ArrayList<>();
    for (String line : ffprobe(file)) {
      String[] p = line.split(",");
      got.add(p[0] + "," + p[1] + "," + p[2] + "," + (p[3].startsWith("K") ? "K" : "_"));
    }
    assertEquals(sorted(expected), sorted(got));
  }

  private static List<String> sorted(List<String> l) {
    List<String> s = new ArrayList<>(l);
    s.sort(null);
    return s;
  }

  private static List<String> ffprobe(Path file) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("ffprobe", "-v", "error", "-show_entries", "packet=stream_index,pts,size,flags",
        "-of", "csv=p=0", file.toString()).redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError("ffprobe failed: " + text);
    }
    List<String> lines = new ArrayList<>();
    for (String l : text.split("\n")) {
      if (!l.isBlank()) {
        lines.add(l.trim());
      }
    }
    return lines;
  }
}
