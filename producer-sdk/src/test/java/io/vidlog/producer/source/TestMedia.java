package io.vidlog.producer.source;

import io.vidlog.media.mkv.MkvWriter;
import io.vidlog.media.mkv.SegmentInfo;
import io.vidlog.media.mkv.TrackEntry;
import io.vidlog.media.nal.NalUnits;
import io.vidlog.producer.camera.CameraClock;
import io.vidlog.producer.camera.CameraSettings;
import io.vidlog.producer.camera.TestPatternCamera;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.jcodec.common.Codec;
import org.jcodec.common.MuxerTrack;
import org.jcodec.common.VideoCodecMeta;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.io.SeekableByteChannel;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Packet;
import org.jcodec.common.model.Size;
import org.jcodec.containers.mp4.muxer.MP4Muxer;

/**
 * Test media made in the test, never stored: H.264 frames from the test-pattern camera (jcodec,
 * on a clock that never waits), written as MKV with our own writer, as a raw Annex-B stream and as
 * a progressive MP4 with jcodec's muxer.
 */
public final class TestMedia {
  /** Frames of a small camera picture, 25 fps, starting at the epoch. */
  public static Recorder cameraFrames(int width, int height, int frames, int gop) {
    TestPatternCamera camera = new TestPatternCamera(
        new CameraSettings(width, height, 25, gop, Duration.ofMillis(40L * frames)), FakeClock.instant());
    Recorder r = new Recorder();
    try {
      camera.run(r);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
    return r;
  }

  /**
   * An MKV of {@code frames} whose Clusters start every {@code clusterEvery} frames, wherever the
   * key frames are, with frame key flags as given ({@code keyFlags} false writes none at all).
   */
  public static byte[] mkv(List<TrackEntry> tracks, List<SourceFrame> frames, int clusterEvery, boolean keyFlags) {
    MkvWriter w = MkvWriter.MINIMAL;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(w.ebmlHeader());
    out.writeBytes(w.segmentStartUnknownSize());
    out.writeBytes(w.info(new SegmentInfo(1_000_000, Double.NaN, "test", "vidlog", "vidlog test", null)));
    out.writeBytes(w.tracks(tracks));
    long clusterMs = 0;
    for (int i = 0; i < frames.size(); i++) {
      SourceFrame f = frames.get(i);
      long ms = f.ptsNanos() / 1_000_000;
      if (i % clusterEvery == 0) {
        clusterMs = ms;
        out.writeBytes(w.clusterStart(clusterMs, -1));
      }
      int flags = keyFlags && f.keyFrame() ? MkvWriter.FLAG_KEY : 0;
      out.writeBytes(w.simpleBlockHeader(f.track(), (int) (ms - clusterMs), flags, f.data().remaining()));
      byte[] b = new byte[f.data().remaining()];
      f.data().duplicate().get(b);
      out.writeBytes(b);
    }
    return out.toByteArray();
  }

  /** The frames as one Annex-B byte stream (4-byte start codes). */
  public static byte[] annexB(List<SourceFrame> frames) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (SourceFrame f : frames) {
      ByteBuffer b = NalUnits.toAnnexB(f.data(), 4);
      out.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
    }
    return out.toByteArray();
  }

  /** A progressive MP4 of the frames (one H.264 track, timescale 25), written by jcodec's muxer. */
  public static void mp4(Path file, TrackEntry track, List<SourceFrame> frames) throws IOException {
    try (SeekableByteChannel ch = NIOUtils.writableChannel(file.toFile())) {
      MP4Muxer muxer = MP4Muxer.createMP4MuxerToChannel(ch);
      MuxerTrack t = muxer.addVideoTrack(Codec.H264, VideoCodecMeta.createSimpleVideoCodecMeta(
          new Size(track.pixelWidth(), track.pixelHeight()), ColorSpace.YUV420J));
      for (int i = 0; i < frames.size(); i++) {
        SourceFrame f = frames.get(i);
        t.addFrame(Packet.createPacket(NalUnits.toAnnexB(f.data(), 4), i, 25, 1, i,
            f.keyFrame() ? Packet.FrameType.KEY : Packet.FrameType.INTER, null));
      }
      muxer.finish();
    }
  }

  public static Path write(Path file, byte[] bytes) throws IOException {
    Files.write(file, bytes);
    return file;
  }

  /** A camera clock that never waits: time moves only when asked for. */
  public static final class FakeClock implements CameraClock {
    private long now;
    private final long stepPerReading;

    private FakeClock(long stepPerReading) {
      this.stepPerReading = stepPerReading;
    }

    /** Every reading is 1 ns after the last: nothing is ever late. */
    public static FakeClock instant() {
      return new FakeClock(1);
    }

    /** Moves the clock on, as if that much time passed. */
    public void advance(long nanos) {
      now += nanos;
    }

    @Override
    public long nanoTime() {
      return now += stepPerReading;
    }

    @Override
    public long epochNanos() {
      return 0;
    }

    @Override
    public void sleepUntil(long deadline) throws InterruptedException {
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
      now = Math.max(now, deadline);
    }
  }

  private TestMedia() {}
}
