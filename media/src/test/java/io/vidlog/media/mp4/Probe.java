package io.vidlog.media.mp4;

import io.vidlog.media.nal.Fixtures;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** An ffprobe dump recorded beside an MP4 fixture (see mp4/make-fixtures.sh). */
record Probe(List<Map<String, String>> streams, List<List<Packet>> packets) {

  record Packet(long pts, long dts, int size, long pos, boolean key) {}

  static Probe load(String name) {
    List<Map<String, String>> streams = new ArrayList<>();
    List<List<Packet>> packets = new ArrayList<>();
    String text = new String(Fixtures.resource("/mp4/" + name + ".probe.txt"), StandardCharsets.UTF_8);
    for (String line : text.split("\n")) {
      String[] parts = line.split(",");
      Map<String, String> f = new HashMap<>();
      for (int i = 1; i < parts.length; i++) {
        int eq = parts[i].indexOf('=');
        f.put(parts[i].substring(0, eq), parts[i].substring(eq + 1));
      }
      if (parts[0].equals("stream")) {
        streams.add(f);
        packets.add(new ArrayList<>());
      } else if (parts[0].equals("packet") && f.containsKey("stream_index")) {
        // (ffprobe prints skip-samples side data of a discarded packet as an empty csv line)
        packets.get(Integer.parseInt(f.get("stream_index"))).add(new Packet(
            Long.parseLong(f.get("pts")), Long.parseLong(f.get("dts")),
            Integer.parseInt(f.get("size")), Long.parseLong(f.get("pos")),
            f.get("flags").startsWith("K")));
      }
    }
    return new Probe(streams, packets);
  }
}
