package io.vidlog.playback.images;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Scales a decoded picture to the requested size and encodes it (docs/wire-protocol.md §3.4):
 * both WidthPixels and HeightPixels stretch the picture to exactly that size; one of them keeps the
 * picture's aspect ratio; neither keeps its size. JPEG at the requested quality, or PNG. Uses the
 * JDK's ImageIO only.
 */
final class ImageEncoder {
  /** A computed side never exceeds this (a narrow picture scaled to a wide one). */
  static final int MAX_SIDE = 4320;

  /** The image formats of the API. */
  enum Format {
    JPEG("jpeg"), PNG("png");

    final String writer;

    Format(String writer) {
      this.writer = writer;
    }
  }

  /**
   * @param width the requested width, 0 for none
   * @param height the requested height, 0 for none
   * @param quality JPEG quality 1..100 (ignored for PNG)
   */
  record Spec(Format format, int width, int height, int quality) {
    /** The output size for a picture of {@code w} × {@code h}. */
    int[] size(int w, int h) {
      if (width > 0 && height > 0) {
        return new int[] {width, height};
      }
      if (width > 0) {
        return new int[] {width, side((long) width * h, w)};
      }
      if (height > 0) {
        return new int[] {side((long) height * w, h), height};
      }
      return new int[] {w, h};
    }

    private static int side(long num, int den) {
      return (int) Math.max(1, Math.min(MAX_SIDE, (num + den / 2) / den));
    }
  }

  private ImageEncoder() {}

  static byte[] encode(BufferedImage picture, Spec spec) {
    int[] size = spec.size(picture.getWidth(), picture.getHeight());
    BufferedImage out = picture;
    if (size[0] != picture.getWidth() || size[1] != picture.getHeight()) {
      out = new BufferedImage(size[0], size[1], BufferedImage.TYPE_INT_RGB);
      Graphics2D g = out.createGraphics();
      try {
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.drawImage(picture, 0, 0, size[0], size[1], null);
      } finally {
        g.dispose();
      }
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(size[0] * size[1] / 4);
    ImageWriter writer = ImageIO.getImageWritersByFormatName(spec.format().writer).next();
    try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(bytes)) {
      writer.setOutput(stream);
      ImageWriteParam param = writer.getDefaultWriteParam();
      if (spec.format() == Format.JPEG) {
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(spec.quality() / 100f);
      }
      writer.write(null, new IIOImage(out, null, null), param);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a memory stream does not fail
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }
}
