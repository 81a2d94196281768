package io.vidlog.playback.hls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rules of draft-pantos-hls-rfc8216bis an LL-HLS media playlist's text must keep, checked on the
 * rendered text (not on our own model): PART-HOLD-BACK at least three PART-TARGETs (§4.4.3.8, the
 * recommended least), HOLD-BACK at least three target durations, CAN-SKIP-UNTIL at least six, every
 * part at most PART-TARGET (§4.4.4.9), the parts of a segment adding up to its EXTINF, a preload
 * hint after a partial segment; and a delta update is the full playlist less the skipped segments (§6.2.5.1).
 */
final class LlHlsRules {
  private static final Pattern ATTR = Pattern.compile("([A-Z-]+)=(\"[^\"]*\"|[^,]*)");

  private LlHlsRules() {}

  /** The last complete segment's media sequence number, and the last part's segment and index. */
  record Edge(long lastSegment, long lastPartSegment, int lastPartIndex) {}

  record Report(int segments, int parts, Edge edge) {}

  static String attr(String line, String name) {
    Matcher m = ATTR.matcher(line.substring(line.indexOf(':') + 1));
    while (m.find()) {
      if (m.group(1).equals(name)) {
        return m.group(2).replace("\"", "");
      }
    }
    return null;
  }

  static Report check(String text) {
    List<String> lines = text.lines().toList();
    assertEquals("#EXTM3U", lines.get(0));
    BigDecimal target = null;
    BigDecimal partTarget = null;
    String control = null;
    long sequence = 0;
    for (String l : lines) {
      if (l.startsWith("#EXT-X-TARGETDURATION:")) {
        target = new BigDecimal(l.substring(l.indexOf(':') + 1));
      } else if (l.startsWith("#EXT-X-PART-INF:")) {
        partTarget = new BigDecimal(attr(l, "PART-TARGET"));
      } else if (l.startsWith("#EXT-X-SERVER-CONTROL:")) {
        control = l;
      } else if (l.startsWith("#EXT-X-MEDIA-SEQUENCE:")) {
        sequence = Long.parseLong(l.substring(l.indexOf(':') + 1));
      } else if (l.startsWith("#EXT-X-SKIP:")) {
        sequence += Long.parseLong(attr(l, "SKIPPED-SEGMENTS"));
      }
    }
    assertTrue(target != null && partTarget != null && control != null, text);
    assertEquals("YES", attr(control, "CAN-BLOCK-RELOAD"), control);
    BigDecimal three = BigDecimal.valueOf(3);
    assertTrue(new BigDecimal(attr(control, "PART-HOLD-BACK")).compareTo(partTarget.multiply(three)) >= 0, control);
    assertTrue(new BigDecimal(attr(control, "HOLD-BACK")).compareTo(target.multiply(three)) >= 0, control);
    assertTrue(new BigDecimal(attr(control, "CAN-SKIP-UNTIL")).compareTo(target.multiply(BigDecimal.valueOf(6))) >= 0,
        control);
    BigDecimal partsSum = BigDecimal.ZERO;
    int partsInSegment = 0;
    int segments = 0;
    int parts = 0;
    long lastPartSegment = -1;
    int lastPartIndex = -1;
    boolean hint = false;
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i);
      if (l.startsWith("#EXT-X-PART:")) {
        BigDecimal d = new BigDecimal(attr(l, "DURATION"));
        assertTrue(d.signum() > 0 && d.compareTo(partTarget) <= 0, "every part lasts at most PART-TARGET: " + l);
        partsSum = partsSum.add(d);
        lastPartSegment = sequence + segments;
        lastPartIndex = partsInSegment++;
        parts++;
      } else if (l.startsWith("#EXTINF:")) {
        BigDecimal d = new BigDecimal(l.substring(8, l.indexOf(',')));
        assertTrue(d.setScale(0, java.math.RoundingMode.HALF_UP).compareTo(target) <= 0, l);
        if (partsInSegment > 0) {
          assertEquals(0, d.compareTo(partsSum), "the parts of segment " + (sequence + segments)
              + " add up to its duration " + d + ", not " + partsSum);
        }
        assertTrue(!lines.get(i + 1).startsWith("#"), "a URI follows EXTINF");
        segments++;
        partsSum = BigDecimal.ZERO;
        partsInSegment = 0;
      } else if (l.startsWith("#EXT-X-PRELOAD-HINT:")) {
        assertEquals("PART", attr(l, "TYPE"));
        hint = true;
      }
    }
    // a hint wherever a part is in progress (none between a fragment's end and the next one's start)
    assertTrue(hint || lastPartSegment <= sequence + segments - 1, "a preload hint for the next part: " + text);
    return new Report(segments, parts, new Edge(sequence + segments - 1, lastPartSegment, lastPartIndex));
  }

  private static boolean segmentLine(String l) {
    return l.equals("#EXT-X-DISCONTINUITY") || l.startsWith("#EXT-X-MAP:") || l.startsWith("#EXT-X-PROGRAM-DATE-TIME:")
        || l.startsWith("#EXT-X-PART:") || l.startsWith("#EXTINF:");
  }

  /**
   * {@code delta} is {@code full} with its first SKIPPED-SEGMENTS segments replaced by EXT-X-SKIP,
   * EXT-X-VERSION 9, and the initialization section in force named before the first segment left.
   */
  static void assertDeltaOf(String full, String delta) {
    List<String> lines = full.lines().toList();
    List<String> header = new ArrayList<>();
    List<List<String>> blocks = new ArrayList<>();
    List<String> block = new ArrayList<>();
    int i = 0;
    while (!segmentLine(lines.get(i))) {
      header.add(lines.get(i).startsWith("#EXT-X-VERSION:") ? "#EXT-X-VERSION:9" : lines.get(i));
      i++;
    }
    for (; i < lines.size(); i++) {
      block.add(lines.get(i));
      if (!lines.get(i).startsWith("#")) {
        blocks.add(block);
        block = new ArrayList<>();
      }
    }
    int skipped = Integer.parseInt(delta.lines().filter(l -> l.startsWith("#EXT-X-SKIP:")).findFirst()
        .map(l -> attr(l, "SKIPPED-SEGMENTS")).orElseThrow());
    String map = null;
    for (int b = 0; b < skipped; b++) {
      for (String l : blocks.get(b)) {
        map = l.startsWith("#EXT-X-MAP:") ? l : map;
      }
    }
    List<String> expected = new ArrayList<>(header);
    expected.add("#EXT-X-SKIP:SKIPPED-SEGMENTS=" + skipped);
    for (int b = skipped; b < blocks.size(); b++) {
      List<String> lb = new ArrayList<>(blocks.get(b));
      if (b == skipped && lb.stream().noneMatch(l -> l.startsWith("#EXT-X-MAP:"))) {
        lb.add(lb.get(0).equals("#EXT-X-DISCONTINUITY") ? 1 : 0, map);
      }
      expected.addAll(lb);
    }
    expected.addAll(block); // the partial segment, the hint, the reports
    assertEquals(String.join("\n", expected) + "\n", delta);
  }
}
