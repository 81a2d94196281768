package io.vidlog.producer.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DecodeTimesTest {

  @Test
  void bFramesGetDecodeTimesThatNeverGoBackNorPassTheirPresentationTime() throws Exception {
    // decode order I0 P3 B1 B2 P6 B4 B5 (presentation times in frame periods of 40 ms)
    List<String> got = run(List.of(frame(1, 0), frame(1, 3), frame(1, 1), frame(1, 2), frame(1, 6), frame(1, 4),
        frame(1, 5)));
    assertEquals(List.of("1 0 0", "1 120 40", "1 40 40", "1 80 80", "1 240 160", "1 160 160", "1 200 200"), got);
  }

  @Test
  void framesLeaveInTheOrderTheyCameAcrossTracks() throws Exception {
    List<SourceFrame> in = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      in.add(frame(1, i));
      in.add(frame(2, i));
    }
    List<String> got = run(in);
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      expected.add("1 " + 40 * i + " " + 40 * i);
      expected.add("2 " + 40 * i + " " + 40 * i);
    }
    assertEquals(expected, got);
  }

  @Test
  void aFrameIsHeldOnlyUntilSixteenLaterFramesOfItsTrackArrived() throws Exception {
    List<String> out = new ArrayList<>();
    DecodeTimes d = new DecodeTimes(f -> out.add(f.track() + " " + f.ptsNanos() / 1_000_000));
    for (int i = 0; i <= DecodeTimes.LOOKAHEAD; i++) {
      d.add(frame(1, i));
    }
    assertEquals(List.of("1 0"), out);
  }

  private static SourceFrame frame(int track, int period) {
    long t = period * 40_000_000L;
    return new SourceFrame(track, t, -1, false, ByteBuffer.allocate(1));
  }

  private static List<String> run(List<SourceFrame> frames) throws Exception {
    List<String> out = new ArrayList<>();
    DecodeTimes d = new DecodeTimes(f -> out.add(f.track() + " " + f.ptsNanos() / 1_000_000 + " "
        + f.dtsNanos() / 1_000_000));
    for (SourceFrame f : frames) {
      d.add(f);
    }
    d.end();
    return out;
  }
}
