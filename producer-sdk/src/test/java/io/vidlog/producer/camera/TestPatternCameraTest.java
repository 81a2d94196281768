package io.vidlog.producer.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.media.mkv.TrackEntry;
import io.vidlog.media.nal.AvcConfig;
import io.vidlog.media.nal.H264Sps;
import io.vidlog.media.nal.NalUnits;
import io.vidlog.producer.source.FrameSink;
import io.vidlog.producer.source.Recorder;
import io.vidlog.producer.source.SourceFrame;
import io.vidlog.producer.source.TestMedia;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.jcodec.codecs.h264.H264Decoder;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Picture;
import org.junit.jupiter.api.Test;

class TestPatternCameraTest {
  private static final long EPOCH = 1_765_000_000_123_000_000L; // 2025-12-06T05:46:40.123Z
  private static final long PERIOD = 40_000_000L;

  @Test
  void aRunOfOneSecondIsTwentyFiveFramesOnTheFramePeriodGrid() throws Exception {
    ManualClock clock = new ManualClock(EPOCH);
    TestPatternCamera camera = new TestPatternCamera(new CameraSettings(64, 48, 25, 10, Duration.ofSeconds(1)), clock);
    Recorder r = new Recorder();
    camera.run(r);
    assertEquals(25, r.frames.size());
    for (int i = 0; i < 25; i++) {
      SourceFrame f = r.frames.get(i);
      assertEquals(EPOCH + i * PERIOD, f.ptsNanos(), "frame " + i);
      assertEquals(f.ptsNanos(), f.dtsNanos());
      assertEquals(i % 10 == 0, f.keyFrame(), "frame " + i + " of a 10-frame GOP");
      assertEquals(i % 10 == 0, NalUnits.isH264Idr(f.data(), 4), "frame " + i + " holds an IDR iff key");
    }
    TestPatternCamera.Stats s = camera.stats();
    assertEquals(25, s.frames());
    assertEquals(3, s.keyFrames());
    assertEquals(0, s.dropped());
  }

  @Test
  void theTrackIsBaselineH264OfTheGivenSize() throws Exception {
    Recorder r = new Recorder();
    new TestPatternCamera(new CameraSettings(96, 64, 10, 5, Duration.ofMillis(100)), new ManualClock(EPOCH)).run(r);
    TrackEntry t = r.tracks().get(0);
    H264Sps sps = AvcConfig.parse(t.codecPrivate()).parsedSps();
    assertEquals(66, sps.profileIdc(), "Baseline");
    assertEquals(96, sps.width());
    assertEquals(64, sps.height());
    assertEquals(96, t.pixelWidth());
    assertEquals(64, t.pixelHeight());
    assertEquals(100_000_000L, t.defaultDurationNs());
    assertEquals(1, r.frames.size());
  }

  @Test
  void eachPictureShowsItsOwnTimestamp() throws Exception {
    Recorder r = new Recorder();
    new TestPatternCamera(new CameraSettings(320, 240, 25, 25, Duration.ofMillis(40)), new ManualClock(EPOCH)).run(r);
    Picture decoded = decode(r.frames.get(0).data(), 320, 240);
    TestPattern pattern = new TestPattern(320, 240);
    double same = clockDifference(decoded, paint(pattern, 0, EPOCH), pattern.clockBox());
    double otherTime = clockDifference(decoded, paint(pattern, 0, EPOCH + 1_234_000_000L), pattern.clockBox());
    assertTrue(same < 4, "decoded clock differs from the painted one by " + same + " per pixel");
    assertTrue(otherTime > 4 * same + 2, "a clock 1.234 s later differs by only " + otherTime);
  }

  @Test
  void framesTooLateAreSkippedAndCountedAndTheRestStayOnTheGrid() throws Exception {
    ManualClock clock = new ManualClock(EPOCH);
    List<Long> times = new ArrayList<>();
    FrameSink slow = new FrameSink() {
      @Override
      public void onTracks(List<TrackEntry> tracks) {}

      @Override
      public void onFrame(SourceFrame frame) {
        times.add(frame.ptsNanos() - EPOCH);
        if (times.size() == 3) {
          clock.advance(1_500_000_000L); // the sink held frame 2 for 1.5 s
        }
      }
    };
    TestPatternCamera camera = new TestPatternCamera(new CameraSettings(64, 48, 25, 10, Duration.ofSeconds(3)), clock);
    camera.run(slow);
    // frame 2 was sent at 0.08 s and returned at 1.58 s: frames due before 0.58 s (3..14) are
    // older than the 1 s a camera queues, frames 15.. are still sent, late, then it is on time again
    assertEquals(List.of(0L, PERIOD, 2 * PERIOD, 15 * PERIOD, 16 * PERIOD), times.subList(0, 5));
    assertEquals(12, camera.stats().dropped());
    assertEquals(75 - 12, camera.stats().frames());
    assertEquals(74 * PERIOD, times.get(times.size() - 1));
  }

  @Test
  void aSinkThatTakesItsTimeOverTheTracksMakesNoFrameLate() throws Exception {
    // a producer creates its stream and connects when it gets the tracks: seconds on a slow day
    ManualClock clock = new ManualClock(EPOCH);
    Recorder r = new Recorder() {
      @Override
      public void onTracks(List<TrackEntry> tracks) {
        super.onTracks(tracks);
        clock.advance(5_000_000_000L);
      }
    };
    TestPatternCamera camera = new TestPatternCamera(new CameraSettings(64, 48, 25, 10, Duration.ofSeconds(1)), clock);
    camera.run(r);
    assertEquals(25, r.frames.size());
    assertEquals(0, camera.stats().dropped());
  }

  @Test
  void lateFramesWithinASecondAreAllSent() throws Exception {
    ManualClock clock = new ManualClock(EPOCH);
    Recorder r = new Recorder() {
      @Override
      public void onFrame(SourceFrame frame) {
        super.onFrame(frame);
        if (frames.size() == 3) {
          clock.advance(900_000_000L);
        }
      }
    };
    TestPatternCamera camera = new TestPatternCamera(new CameraSettings(64, 48, 25, 10, Duration.ofSeconds(2)), clock);
    camera.run(r);
    assertEquals(50, r.frames.size());
    assertEquals(0, camera.stats().dropped());
  }

  @Test
  void withoutADurationItRunsUntilInterrupted() throws Exception {
    TestPatternCamera camera = new TestPatternCamera(new CameraSettings(32, 32, 25, 25, null), TestMedia.FakeClock.instant());
    CountDownLatch hundred = new CountDownLatch(100);
    AtomicReference<Throwable> ended = new AtomicReference<>();
    Thread t = new Thread(() -> {
      try {
        camera.run(new FrameSink() {
          @Override
          public void onTracks(List<TrackEntry> tracks) {}

          @Override
          public void onFrame(SourceFrame frame) {
            hundred.countDown();
          }
        });
      } catch (Throwable e) {
        ended.set(e);
      }
    });
    t.start();
    hundred.await();
    t.interrupt();
    t.join();
    assertTrue(ended.get() instanceof InterruptedException, "ended with " + ended.get());
    assertTrue(camera.stats().frames() >= 100);
  }

  @Test
  void settingsAreCheckedNamingTheValue() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new CameraSettings(641, 360, 25, 50, null))
        .getMessage().contains("641x360"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new CameraSettings(640, 360, 0, 50, null))
        .getMessage().contains("fps 0"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new CameraSettings(640, 360, 25, 251, null))
        .getMessage().contains("gop 251"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> new CameraSettings(640, 360, 25, 50, Duration.ZERO)).getMessage().contains("duration"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> CameraSettings.parseSize("640*360"))
        .getMessage().contains("640*360"));
    assertEquals(List.of(1280, 720), List.of(CameraSettings.parseSize("1280x720")[0], CameraSettings.parseSize("1280X720")[1]));
  }

  private static Picture paint(TestPattern pattern, long index, long epochNanos) {
    Picture p = Picture.create(320, 240, ColorSpace.YUV420J);
    pattern.paint(p, index, epochNanos);
    return p;
  }

  private static Picture decode(ByteBuffer avcc, int width, int height) {
    H264Decoder decoder = new H264Decoder();
    byte[][] buffer = new byte[3][((width + 15) & ~15) * ((height + 15) & ~15)];
    return decoder.decodeFrame(NalUnits.toAnnexB(avcc, 4), buffer).cropped();
  }

  /** Mean absolute luma difference over the clock box. */
  private static double clockDifference(Picture a, Picture b, int[] box) {
    byte[] x = a.getPlaneData(0);
    byte[] y = b.getPlaneData(0);
    long sum = 0;
    for (int row = box[1]; row < box[1] + box[3]; row++) {
      for (int col = box[0]; col < box[0] + box[2]; col++) {
        sum += Math.abs(x[row * 320 + col] - y[row * 320 + col]);
      }
    }
    return (double) sum / (box[2] * box[3]);
  }

  /** A clock that moves only when told to, or to the time the camera sleeps until. */
  static final class ManualClock implements CameraClock {
    private final long epoch;
    private long now;

    ManualClock(long epoch) {
      this.epoch = epoch;
    }

    void advance(long nanos) {
      now += nanos;
    }

    @Override
    public long nanoTime() {
      return now;
    }

    @Override
    public long epochNanos() {
      return epoch;
    }

    @Override
    public void sleepUntil(long deadline) {
      now = Math.max(now, deadline);
    }
  }
}
