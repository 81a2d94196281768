package io.vidlog.playback.images;

import io.vidlog.media.nal.AvcConfig;
import io.vidlog.media.nal.NalUnits;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.nio.ByteBuffer;
import java.util.List;
import org.jcodec.codecs.h264.H264Decoder;
import org.jcodec.common.logging.LogLevel;
import org.jcodec.common.logging.Logger;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Picture;
import org.jcodec.common.model.Rect;

/**
 * H.264 pictures with jcodec (pure Java; 8-bit 4:2:0, Baseline to High): frames are fed in decode
 * order from a key frame, each with the stream's SPS and PPS before the key frame, and a decoded
 * picture becomes an RGB image, cropped as the SPS says, with BT.601 limited-range colour (what
 * decoders assume when the stream does not say).
 *
 * <p>A fresh jcodec decoder per instance (one fragment's pictures), so no decoder state passes
 * from one request or stream to another. jcodec's constructor starts a thread pool of its own for
 * slice-parallel decoding and never stops it; {@link JcodecDecoders#singleThreaded()} stops that pool at once and
 * decodes on the calling thread, so a request's decoding stays on the one worker thread it was
 * given ({@link JcodecDecoders}). jcodec unescapes NAL units in place: every decode is handed a new Annex-B copy of the frame.
 * Blocking and CPU-bound: call it on a worker thread.
 */
final class PictureDecoder {

  static {
    // jcodec logs every skipped frame to stdout by default
    Logger.setLevel(LogLevel.ERROR);
  }

  private final AvcConfig config;
  private final byte[] parameterSets;
  private final H264Decoder decoder = JcodecDecoders.singleThreaded();
  private byte[][] buffer;
  private int bufferWidth;
  private int bufferHeight;

  /** @param avcC the track's codec private data (an AVCDecoderConfigurationRecord) */
  PictureDecoder(byte[] avcC) {
    this.config = AvcConfig.parse(avcC);
    int n = 0;
    for (byte[] s : config.sps()) {
      n += 4 + s.length;
    }
    for (byte[] p : config.pps()) {
      n += 4 + p.length;
    }
    ByteBuffer b = ByteBuffer.allocate(n);
    for (List<byte[]> list : List.of(config.sps(), config.pps())) {
      for (byte[] nal : list) {
        b.putInt(1).put(nal);
      }
    }
    this.parameterSets = b.array();
  }

  /**
   * Decodes one frame in decode order; a key frame carries the parameter sets in. Returns the
   * picture (valid until the next call) or null when jcodec produced none.
   *
   * @throws RuntimeException when jcodec cannot decode the frame (an unsupported profile, bad data)
   */
  Picture decode(VideoFrame frame) {
    int w = (config.parsedSps().width() + 15) & ~15;
    int h = (config.parsedSps().height() + 15) & ~15;
    if (buffer == null || w > bufferWidth || h > bufferHeight) {
      // room for the coded size (whole macroblocks) whatever the cropping
      buffer = Picture.create(w + 32, h + 32, ColorSpace.YUV420J).getData();
      bufferWidth = w;
      bufferHeight = h;
    }
    ByteBuffer annexB = NalUnits.toAnnexB(ByteBuffer.wrap(frame.data()), config.lengthSize());
    if (frame.key()) {
      ByteBuffer withSets = ByteBuffer.allocate(parameterSets.length + annexB.remaining());
      withSets.put(parameterSets).put(annexB).flip();
      annexB = withSets;
    }
    return decoder.decodeFrame(annexB, buffer);
  }

  /**
   * The picture as RGB, cropped (ITU-T H.264 §7.4.2.1.1 frame cropping), with BT.601 limited-range
   * conversion: Y in 16..235, Cb/Cr in 16..240 (ITU-R BT.601).
   */
  static BufferedImage toRgb(Picture p) {
    Rect crop = p.getCrop();
    int cx = crop == null ? 0 : crop.getX();
    int cy = crop == null ? 0 : crop.getY();
    int width = crop == null ? p.getWidth() : crop.getWidth();
    int height = crop == null ? p.getHeight() : crop.getHeight();
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    int[] out = ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
    byte[] yPlane = p.getPlaneData(0);
    byte[] uPlane = p.getPlaneData(1);
    byte[] vPlane = p.getPlaneData(2);
    int yStride = p.getPlaneWidth(0);
    int cStride = p.getPlaneWidth(1);
    for (int row = 0; row < height; row++) {
      int y0 = (row + cy) * yStride + cx;
      int c0 = ((row + cy) >> 1) * cStride;
      int o = row * width;
      for (int col = 0; col < width; col++) {
        // jcodec keeps samples as signed bytes, value - 128
        int y = (yPlane[y0 + col] + 128 - 16) * 298;
        int ci = c0 + ((col + cx) >> 1);
        int u = uPlane[ci];
        int v = vPlane[ci];
        int r = (y + 409 * v + 128) >> 8;
        int g = (y - 100 * u - 208 * v + 128) >> 8;
        int b = (y + 516 * u + 128) >> 8;
        out[o + col] = clamp(r) << 16 | clamp(g) << 8 | clamp(b);
      }
    }
    return img;
  }

  private static int clamp(int x) {
    return x < 0 ? 0 : x > 255 ? 255 : x;
  }
}
