package io.vidlog.producer.camera;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.jcodec.common.model.Picture;

/**
 * Paints the test-pattern camera's picture: 75% colour bars over the top two thirds, a grey ramp
 * scrolling sideways below them, a square bouncing across the whole picture, and a clock box with
 * the frame's wall-clock time (UTC, to the millisecond), its date and frame number. Everything that
 * never changes is drawn once into background planes that each frame starts from; the moving parts
 * cover a small share of the picture, so that jcodec's encoder, which spends its time on motion
 * search, keeps up in real time (docs/dependencies.md). Colours are BT.601 limited range, which is
 * what a decoder assumes for an SPS without VUI colour information (jcodec writes none).
 *
 * <p>jcodec samples are signed: a stored byte is the pixel value − 128.
 */
final class TestPattern {
  /** 75% bars (ITU-R BT.801-1): white, yellow, cyan, green, magenta, red, blue as (Y, Cb, Cr). */
  private static final int[][] BARS = {
      {180, 128, 128}, {162, 44, 142}, {131, 156, 44}, {112, 72, 58}, {84, 184, 198}, {65, 100, 212},
      {35, 212, 114}};
  private static final int BLACK = 16;
  private static final int WHITE = 235;
  private static final int NEUTRAL = 128;
  /** Ramp pixels moved per frame. */
  private static final int RAMP_SPEED = 4;

  private final int width;
  private final int height;
  private final byte[] backgroundY;
  private final byte[] backgroundU;
  private final byte[] backgroundV;
  private final int rampTop;
  private final byte[] rampRow;
  private final int box;
  private final int timeScale;
  private final int dateScale;
  private final int clockX;
  private final int clockY;
  private final int clockWidth;
  private final int clockHeight;
  private final StringBuilder text = new StringBuilder(32);

  TestPattern(int width, int height) {
    if (width < 16 || height < 16 || width % 2 != 0 || height % 2 != 0) {
      throw new IllegalArgumentException("picture " + width + "x" + height + ": want even sizes of at least 16");
    }
    this.width = width;
    this.height = height;
    int cw = width / 2;
    int ch = height / 2;
    backgroundY = new byte[width * height];
    backgroundU = new byte[cw * ch];
    backgroundV = new byte[cw * ch];
    rampTop = (height * 2 / 3) & ~1;
    for (int x = 0; x < width; x++) {
      int[] bar = BARS[x * BARS.length / width];
      for (int y = 0; y < rampTop; y++) {
        backgroundY[y * width + x] = sample(bar[0]);
      }
      if (x % 2 == 0) {
        for (int y = 0; y < rampTop / 2; y++) {
          backgroundU[y * cw + x / 2] = sample(bar[1]);
          backgroundV[y * cw + x / 2] = sample(bar[2]);
        }
      }
    }
    for (int i = rampTop / 2 * cw; i < backgroundU.length; i++) {
      backgroundU[i] = sample(NEUTRAL);
      backgroundV[i] = sample(NEUTRAL);
    }
    // two periods of the ramp, so that a window of it can be copied at any phase without wrapping
    rampRow = new byte[2 * width];
    for (int x = 0; x < rampRow.length; x++) {
      rampRow[x] = sample(BLACK + (WHITE - BLACK) * (x % width) / width);
    }
    box = Math.max(8, Math.min(width, height) / 8) & ~1;
    // the time (12 characters) takes about 60% of the width; the date line half its scale
    timeScale = Math.max(1, width * 3 / 5 / (12 * Glyphs.ADVANCE));
    dateScale = Math.max(1, timeScale / 2);
    int margin = timeScale * 2;
    clockWidth = (Math.max(Glyphs.width("00:00:00.000", timeScale), Glyphs.width("0000-00-00 UTC #0000000", dateScale))
        + 2 * margin + 1) & ~1;
    clockHeight = (Glyphs.HEIGHT * timeScale + Glyphs.HEIGHT * dateScale + 3 * margin + 1) & ~1;
    clockX = Math.max(0, (width - clockWidth) / 2) & ~1;
    clockY = Math.max(0, height / 12) & ~1;
    Glyphs.fill(backgroundY, width, height, clockX, clockY, clockWidth, clockHeight, sample(BLACK));
    Glyphs.fill(backgroundU, cw, ch, clockX / 2, clockY / 2, clockWidth / 2, clockHeight / 2, sample(NEUTRAL));
    Glyphs.fill(backgroundV, cw, ch, clockX / 2, clockY / 2, clockWidth / 2, clockHeight / 2, sample(NEUTRAL));
  }

  /** Where the clock box is: {x, y, width, height} in luma pixels. */
  int[] clockBox() {
    return new int[] {clockX, clockY, clockWidth, clockHeight};
  }

  /** Draws frame {@code index}, taken at {@code epochNanos}, into {@code p} (YUV 4:2:0 of this size). */
  void paint(Picture p, long index, long epochNanos) {
    byte[] y = p.getPlaneData(0);
    System.arraycopy(backgroundY, 0, y, 0, backgroundY.length);
    System.arraycopy(backgroundU, 0, p.getPlaneData(1), 0, backgroundU.length);
    System.arraycopy(backgroundV, 0, p.getPlaneData(2), 0, backgroundV.length);

    int phase = (int) ((index * RAMP_SPEED) % width);
    for (int row = rampTop; row < height; row++) {
      System.arraycopy(rampRow, phase, y, row * width, width);
    }

    int boxX = bounce(index * 3L, width - box);
    int boxY = bounce(index * 2L, height - box);
    Glyphs.fill(y, width, height, boxX, boxY, box, box, sample(WHITE));
    Glyphs.fill(p.getPlaneData(1), width / 2, height / 2, boxX / 2, boxY / 2, box / 2, box / 2, sample(NEUTRAL));
    Glyphs.fill(p.getPlaneData(2), width / 2, height / 2, boxX / 2, boxY / 2, box / 2, box / 2, sample(NEUTRAL));
    // the clock stays readable when the square passes behind it
    Glyphs.fill(y, width, height, clockX, clockY, clockWidth, clockHeight, sample(BLACK));

    int margin = timeScale * 2;
    LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L),
        (int) Math.floorMod(epochNanos, 1_000_000_000L), ZoneOffset.UTC);
    text.setLength(0);
    two(two(two(text, t.getHour()).append(':'), t.getMinute()).append(':'), t.getSecond()).append('.');
    int ms = t.getNano() / 1_000_000;
    text.append((char) ('0' + ms / 100)).append((char) ('0' + ms / 10 % 10)).append((char) ('0' + ms % 10));
    Glyphs.draw(y, width, height, clockX + margin, clockY + margin, timeScale, text, sample(WHITE));
    text.setLength(0);
    text.append(t.getYear()).append('-');
    two(text, t.getMonthValue()).append('-');
    two(text, t.getDayOfMonth()).append(" UTC #").append(index);
    Glyphs.draw(y, width, height, clockX + margin, clockY + 2 * margin + Glyphs.HEIGHT * timeScale, dateScale, text,
        sample(WHITE));
  }

  /** A position moving back and forth between 0 and {@code range} at one unit per step. */
  private static int bounce(long step, int range) {
    if (range <= 0) {
      return 0;
    }
    long p = step % (2L * range);
    return (int) (p <= range ? p : 2L * range - p) & ~1;
  }

  private static StringBuilder two(StringBuilder b, int v) {
    return b.append((char) ('0' + v / 10)).append((char) ('0' + v % 10));
  }

  private static byte sample(int value) {
    return (byte) (value - 128);
  }
}
