package io.vidlog.producer.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.media.MediaFormatException;
import io.vidlog.media.mkv.TrackEntry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class H264FileSourceTest {
  private static Recorder camera;

  @BeforeAll
  static void frames() {
    camera = TestMedia.cameraFrames(64, 48, 30, 10);
  }

  @Test
  void everyAccessUnitBecomesOneFrameAtEveryReadSize(@TempDir Path dir) throws Exception {
    Path file = TestMedia.write(dir.resolve("cam.h264"), TestMedia.annexB(camera.frames));
    List<String> expected = camera.dump(); // the camera stamps frames from 0 at 25 fps, as the file source does
    for (int readSize : new int[] {1, 2, 3, 5, 64, 1000, 4096, 1 << 16}) {
      Recorder r = new Recorder();
      H264FileSource source = new H264FileSource(file, null, readSize);
      source.run(r);
      assertEquals(expected, r.dump(), "read size " + readSize);
      assertEquals(Recorder.describe(camera.tracks()), Recorder.describe(r.tracks()));
      assertEquals(0, source.skippedAccessUnits());
      assertEquals(1.0, source.progress());
    }
  }

  @Test
  void theTrackIsDescribedFromTheSps(@TempDir Path dir) throws Exception {
    Recorder r = run(TestMedia.write(dir.resolve("cam.h264"), TestMedia.annexB(camera.frames)), null);
    TrackEntry t = r.tracks().get(0);
    assertEquals(64, t.pixelWidth());
    assertEquals(48, t.pixelHeight());
    assertEquals("V_MPEG4/ISO/AVC", t.codecId());
    assertArrayEquals(camera.tracks().get(0).codecPrivate(), t.codecPrivate());
    assertEquals(40_000_000L, t.defaultDurationNs(), "no VUI timing: 25 fps");
  }

  @Test
  void aGivenFrameRateSetsTheTimestamps(@TempDir Path dir) throws Exception {
    Recorder r = run(TestMedia.write(dir.resolve("cam.h264"), TestMedia.annexB(camera.frames)),
        FrameRate.parse("30000/1001"));
    assertEquals(0, r.frames.get(0).ptsNanos());
    assertEquals(33_366_666L, r.frames.get(1).ptsNanos());
    assertEquals(967_633_333L, r.frames.get(29).ptsNanos(), "29 × 1001/30000 s, computed, not accumulated");
    assertEquals(33_366_666L, r.tracks().get(0).defaultDurationNs());
  }

  @Test
  void accessUnitsBeforeTheFirstDecodableOneAreSkipped(@TempDir Path dir) throws Exception {
    // start mid-GOP: frames 3..29, the first IDR is frame 10
    Path file = TestMedia.write(dir.resolve("cut.h264"), TestMedia.annexB(camera.frames.subList(3, 30)));
    Recorder r = new Recorder();
    H264FileSource source = new H264FileSource(file, null);
    source.run(r);
    assertEquals(7, source.skippedAccessUnits());
    assertEquals(20, r.frames.size());
    assertTrue(r.frames.get(0).keyFrame());
    assertEquals(Recorder.crc(camera.frames.get(10).data()), Recorder.crc(r.frames.get(0).data()));
    assertEquals(0, r.frames.get(0).ptsNanos(), "the timeline starts at the first frame sent");
  }

  @Test
  void keyFramesAreTheIdrAccessUnits(@TempDir Path dir) throws Exception {
    Recorder r = run(TestMedia.write(dir.resolve("cam.h264"), TestMedia.annexB(camera.frames)), null);
    List<Integer> keys = new ArrayList<>();
    for (int i = 0; i < r.frames.size(); i++) {
      if (r.frames.get(i).keyFrame()) {
        keys.add(i);
      }
    }
    assertEquals(List.of(0, 10, 20), keys);
  }

  @Test
  void aStreamWithoutIdrIsRefused(@TempDir Path dir) throws Exception {
    Path file = TestMedia.write(dir.resolve("p.h264"), TestMedia.annexB(camera.frames.subList(1, 10)));
    MediaFormatException e = assertThrows(MediaFormatException.class, () -> run(file, null));
    assertTrue(e.getMessage().contains("no IDR access unit"), e.getMessage());
  }

  private static Recorder run(Path file, FrameRate rate) throws Exception {
    Recorder r = new Recorder();
    new H264FileSource(file, rate).run(r);
    return r;
  }
}
