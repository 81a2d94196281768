package io.vidlog.producer.camera;

/**
 * A 5×7 bitmap font for the characters a clock needs (digits, {@code :-.# /} and the letters of {@code UTC}), drawn straight
 * into a luma plane: no AWT, so the camera runs headless and draws in microseconds.
 */
final class Glyphs {
  static final int WIDTH = 5;
  static final int HEIGHT = 7;
  /** Columns a character takes, its spacing included. */
  static final int ADVANCE = WIDTH + 1;

  private static final String CHARS = "0123456789:-.# /UTC";
  /** One row per line, five bits per row, the leftmost pixel in bit 4. */
  private static final int[][] ROWS = {
      {0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E}, // 0
      {0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E}, // 1
      {0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F}, // 2
      {0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E}, // 3
      {0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02}, // 4
      {0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E}, // 5
      {0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E}, // 6
      {0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08}, // 7
      {0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E}, // 8
      {0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C}, // 9
      {0x00, 0x0C, 0x0C, 0x00, 0x0C, 0x0C, 0x00}, // :
      {0x00, 0x00, 0x00, 0x1F, 0x00, 0x00, 0x00}, // -
      {0x00, 0x00, 0x00, 0x00, 0x00, 0x0C, 0x0C}, // .
      {0x0A, 0x0A, 0x1F, 0x0A, 0x1F, 0x0A, 0x0A}, // #
      {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00}, // space
      {0x01, 0x01, 0x02, 0x04, 0x08, 0x10, 0x10}, // /
      {0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E}, // U
      {0x1F, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04}, // T
      {0x0E, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0E}, // C
  };

  private Glyphs() {}

  /** Width in pixels of {@code text} drawn at {@code scale}. */
  static int width(CharSequence text, int scale) {
    return text.length() * ADVANCE * scale - scale;
  }

  /**
   * Draws {@code text} with its top-left corner at (x, y), each font pixel a scale × scale square
   * of value {@code luma} (a jcodec sample: pixel value − 128); parts outside the plane are clipped.
   */
  static void draw(byte[] plane, int planeWidth, int planeHeight, int x, int y, int scale, CharSequence text,
      byte luma) {
    for (int i = 0; i < text.length(); i++) {
      int index = CHARS.indexOf(text.charAt(i));
      if (index < 0) {
        throw new IllegalArgumentException("no glyph for '" + text.charAt(i) + "'");
      }
      int[] rows = ROWS[index];
      int left = x + i * ADVANCE * scale;
      for (int row = 0; row < HEIGHT; row++) {
        int bits = rows[row];
        if (bits == 0) {
          continue;
        }
        for (int col = 0; col < WIDTH; col++) {
          if ((bits & (0x10 >> col)) != 0) {
            fill(plane, planeWidth, planeHeight, left + col * scale, y + row * scale, scale, scale, luma);
          }
        }
      }
    }
  }

  /** Fills a rectangle, clipped to the plane. */
  static void fill(byte[] plane, int planeWidth, int planeHeight, int x, int y, int w, int h, byte value) {
    int x0 = Math.max(0, x);
    int x1 = Math.min(planeWidth, x + w);
    int y0 = Math.max(0, y);
    int y1 = Math.min(planeHeight, y + h);
    if (x0 >= x1) {
      return;
    }
    for (int row = y0; row < y1; row++) {
      java.util.Arrays.fill(plane, row * planeWidth + x0, row * planeWidth + x1, value);
    }
  }
}
