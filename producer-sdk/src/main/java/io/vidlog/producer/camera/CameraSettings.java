package io.vidlog.producer.camera;

import java.time.Duration;

/**
 * What the test-pattern camera produces.
 *
 * @param width picture width in pixels, even
 * @param height picture height in pixels, even
 * @param fps frames per second
 * @param gop frames from one key frame to the next (the fragment length, at the producer's
 *     default of a fragment per key frame)
 * @param duration how long to run, or null to run until interrupted
 */
public record CameraSettings(int width, int height, int fps, int gop, Duration duration) {
  /**
   * 640×360 at 25 frames per second: what this picture sustains on one core with jcodec's Baseline
   * encoder with room to spare (docs/dependencies.md has the figures).
   */
  public static final int DEFAULT_WIDTH = 640;
  public static final int DEFAULT_HEIGHT = 360;
  public static final int DEFAULT_FPS = 25;
  /** Largest picture: 1080p (jcodec manages a few frames per second there). */
  static final int MAX_PIXELS = 1920 * 1088;

  public CameraSettings {
    if (width < 16 || height < 16 || width % 2 != 0 || height % 2 != 0 || (long) width * height > MAX_PIXELS) {
      throw new IllegalArgumentException("size " + width + "x" + height
          + ": want even width and height of at least 16, at most 1920x1088 pixels in all");
    }
    if (fps < 1 || fps > 120) {
      throw new IllegalArgumentException("fps " + fps + ": want 1 to 120");
    }
    if (gop < 1 || gop > 10 * fps) {
      throw new IllegalArgumentException("gop " + gop + ": want 1 to " + 10 * fps
          + " frames (a fragment is at most 10 s, docs/wire-protocol.md §6)");
    }
    if (duration != null && (duration.isNegative() || duration.isZero())) {
      throw new IllegalArgumentException("duration " + duration + ": want more than 0");
    }
  }

  /** The defaults: 640x360, 25 fps, a key frame every 2 s (KVS's default fragment), until stopped. */
  public static CameraSettings defaults() {
    return new CameraSettings(DEFAULT_WIDTH, DEFAULT_HEIGHT, DEFAULT_FPS, 2 * DEFAULT_FPS, null);
  }

  /**
   * Parses a size {@code WxH}, e.g. {@code 640x360}.
   *
   * @return {width, height}
   */
  public static int[] parseSize(String text) {
    String[] p = text.trim().toLowerCase(java.util.Locale.ROOT).split("x");
    try {
      if (p.length == 2) {
        return new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1])};
      }
    } catch (NumberFormatException e) {
      // fall through to the message
    }
    throw new IllegalArgumentException("size '" + text + "': want WIDTHxHEIGHT, e.g. 640x360");
  }

  /** The frames a run of {@link #duration} covers, or {@link Long#MAX_VALUE} when it has none. */
  long frameCount() {
    if (duration == null) {
      return Long.MAX_VALUE;
    }
    // ceil(duration × fps): a 1 s run at 25 fps has frames 0..24
    try {
      long ticks = Math.multiplyExact(duration.toNanos(), fps);
      return Math.max(1, ticks / 1_000_000_000L + (ticks % 1_000_000_000L == 0 ? 0 : 1));
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE; // centuries: as good as until stopped
    }
  }
}
