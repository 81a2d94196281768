package io.vidlog.producer.camera;

import io.vidlog.media.mkv.TrackEntry;
import io.vidlog.media.nal.AvcConfig;
import io.vidlog.media.nal.CodecPrivate;
import io.vidlog.media.nal.H264Sps;
import io.vidlog.media.nal.NalUnits;
import io.vidlog.producer.source.FrameRate;
import io.vidlog.producer.source.FrameSink;
import io.vidlog.producer.source.MediaSource;
import io.vidlog.producer.source.SourceFrame;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.jcodec.codecs.h264.H264Encoder;
import org.jcodec.common.VideoEncoder.EncodedFrame;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Picture;

/**
 * A camera without a camera: paints a {@link TestPattern} with the wall-clock time burned in,
 * encodes it with jcodec's pure-Java H.264 Baseline encoder (docs/dependencies.md) and produces one
 * frame per frame period, in real time, so that anyone can try vidlog without hardware.
 *
 * <p>Frame n is due at start + n / fps on the monotonic clock and is stamped with the wall-clock
 * time of the start plus the same offset: timestamps are exact multiples of the frame period, and
 * the time drawn in the picture is the frame's timestamp. A frame made late (the thread was not
 * scheduled, the sink blocked) still goes out, as from a real camera's frame queue, until the
 * lateness passes {@link #MAX_LATENESS_NANOS}: then the frames due before that are skipped, as a
 * real camera drops them when its queue overflows, and counted ({@link Stats#dropped()}), so a
 * camera that cannot keep up never sends an ever older backlog. Key frames come every {@code gop} encoded frames; each carries its SPS and PPS in band,
 * and the track's CodecPrivate is built from the first.
 */
public final class TestPatternCamera implements MediaSource {
  /**
   * jcodec's motion search range in pixels. Its default, 16, spends most of the encoding time on
   * search; the pattern moves at most 4 pixels a frame, so 8 finds every motion at about half the
   * cost.
   */
  static final int MOTION_SEARCH_RANGE = 8;

  /** Counters of a run, for progress lines and benchmarks. */
  public record Stats(long frames, long keyFrames, long dropped, long bytes, long encodeNanos) {}

  /** How late a frame may be made before it is skipped: a real camera's queue of about a second. */
  static final long MAX_LATENESS_NANOS = 1_000_000_000L;
  /** Frames in a row at half the frame period that end the warm-up. */
  static final int WARM_FRAMES = 10;
  /** The longest warm-up. */
  static final long MAX_WARM_UP_NANOS = 10_000_000_000L;

  private final CameraSettings settings;
  private final CameraClock clock;
  private final FrameRate rate;
  private volatile Stats stats = new Stats(0, 0, 0, 0, 0);
  private volatile long warmUpNanos;

  public TestPatternCamera(CameraSettings settings) {
    this(settings, CameraClock.system());
  }

  public TestPatternCamera(CameraSettings settings, CameraClock clock) {
    this.settings = settings;
    this.clock = clock;
    this.rate = FrameRate.of(settings.fps());
  }

  public CameraSettings settings() {
    return settings;
  }

  /** How long the encoder warm-up before the first frame took. */
  public java.time.Duration warmUp() {
    return java.time.Duration.ofNanos(warmUpNanos);
  }

  /** The counters so far (safe from any thread). */
  public Stats stats() {
    return stats;
  }

  @Override
  public void run(FrameSink sink) throws IOException, InterruptedException {
    TestPattern pattern = new TestPattern(settings.width(), settings.height());
    Picture picture = Picture.create(settings.width(), settings.height(), ColorSpace.YUV420J);
    ByteBuffer out = ByteBuffer.allocate(encoder().estimateBufferSize(picture));
    AvcConfig config = warmUp(pattern, picture, out);
    // the sink may take its time over the tracks (a producer creates the stream and connects):
    // the camera's clock starts after it
    sink.onTracks(List.of(track(config)));
    H264Encoder encoder = encoder();

    long frames = settings.frameCount();
    long start = clock.nanoTime();
    long epoch = clock.epochNanos();
    long encoded = 0;
    long keys = 0;
    long dropped = 0;
    long bytes = 0;
    long encodeNanos = 0;
    for (long i = 0; i < frames; ) {
      long offset = rate.frameTimeNanos(i);
      clock.sleepUntil(start + offset);
      long t0 = clock.nanoTime();
      long timestamp = epoch + offset;
      pattern.paint(picture, i, timestamp);
      out.clear();
      EncodedFrame encodedFrame = encoder.encodeFrame(picture, out);
      ByteBuffer annexB = encodedFrame.getData();
      ByteBuffer avcc = NalUnits.toAvcc(annexB);
      encodeNanos += clock.nanoTime() - t0;
      if (i == 0 && !Arrays.equals(config.toBytes(), AvcConfig.fromNalUnits(NalUnits.splitAvcc(avcc, 4)).toBytes())) {
        throw new IllegalStateException("the encoder's parameter sets differ from the warm-up encoder's");
      }
      encoded++;
      keys += encodedFrame.isKeyFrame() ? 1 : 0;
      bytes += avcc.remaining();
      stats = new Stats(encoded, keys, dropped, bytes, encodeNanos);
      sink.onFrame(new SourceFrame(1, timestamp, timestamp, encodedFrame.isKeyFrame(), avcc));

      long next = i + 1;
      long late = clock.nanoTime() - start - MAX_LATENESS_NANOS;
      long oldestKept = late < 0 ? 0 : slotAt(late) + 1;
      if (oldestKept > next) {
        long skip = Math.min(oldestKept, frames) - next; // frames due too long ago to be worth sending
        dropped += skip;
        next += skip;
        stats = new Stats(encoded, keys, dropped, bytes, encodeNanos);
      }
      i = next;
    }
  }

  private H264Encoder encoder() {
    H264Encoder encoder = H264Encoder.createH264Encoder();
    encoder.setKeyInterval(settings.gop());
    encoder.setMotionSearchRange(MOTION_SEARCH_RANGE);
    return encoder;
  }

  /**
   * Encodes throwaway frames until the encoder runs at real-time speed with room to spare. On a cold
   * JVM jcodec's first frames take several frame periods each (interpreted code, then C1, then
   * C2), so a camera that started at once would drop most frames of its first seconds. The warm-up
   * ends when {@link #WARM_FRAMES} frames in a row took at most half a frame period each, or after
   * {@link #MAX_WARM_UP_NANOS}; the stream starts after it.
   *
   * @return the codec configuration from the first frame's parameter sets
   */
  private AvcConfig warmUp(TestPattern pattern, Picture picture, ByteBuffer out) throws InterruptedException {
    H264Encoder encoder = encoder();
    AvcConfig config = null;
    long budget = rate.frameDurationNanos() / 2;
    long start = clock.nanoTime();
    int fast = 0;
    for (long i = 0; config == null || (fast < WARM_FRAMES && clock.nanoTime() - start < MAX_WARM_UP_NANOS); i++) {
      if (Thread.interrupted()) {
        throw new InterruptedException("camera stopped while warming up");
      }
      long t0 = clock.nanoTime();
      pattern.paint(picture, i, 0);
      out.clear();
      ByteBuffer avcc = NalUnits.toAvcc(encoder.encodeFrame(picture, out).getData());
      if (config == null) {
        // the first frame is an IDR access unit carrying the SPS and PPS, which depend only on the settings
        config = AvcConfig.fromNalUnits(NalUnits.splitAvcc(avcc, 4));
      }
      fast = clock.nanoTime() - t0 <= budget ? fast + 1 : 0;
    }
    warmUpNanos = clock.nanoTime() - start;
    return config;
  }

  /** The last frame due at or before {@code elapsed} (≥ 0) nanoseconds from the start. */
  private long slotAt(long elapsed) {
    // frame n is due at n × 10^9 / fps: floor(elapsed × fps / 10^9), without overflow for centuries
    long fps = settings.fps();
    return elapsed / 1_000_000_000L * fps + (elapsed % 1_000_000_000L) * fps / 1_000_000_000L;
  }

  private TrackEntry track(AvcConfig config) {
    H264Sps sps = config.parsedSps();
    return new TrackEntry(1, 1, TrackEntry.TYPE_VIDEO, CodecPrivate.AVC, "vidlog test pattern", config.toBytes(),
        rate.frameDurationNanos(), sps.width(), sps.height(), Double.NaN, 0, 0);
  }
}
