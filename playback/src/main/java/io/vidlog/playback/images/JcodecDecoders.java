package io.vidlog.playback.images;

import java.lang.reflect.Field;
import java.util.concurrent.ExecutorService;
import org.jcodec.codecs.h264.H264Decoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * jcodec H.264 decoders that decode on the calling thread. jcodec 0.2.5's decoder constructor
 * starts a thread pool for slice-parallel decoding and never stops it (a pool per decoder, kept for
 * the life of the process); here that pool is shut down at once and its threaded flag cleared, two
 * private fields reached by reflection. Should a later jcodec lack them, the decoder is used as it
 * is and this is logged once. Public for the benchmarks, which measure the same decoder.
 */
public final class JcodecDecoders {
  private static final Logger LOG = LoggerFactory.getLogger(JcodecDecoders.class);
  private static volatile boolean warned;

  private JcodecDecoders() {}

  /** A new decoder whose work stays on the thread that calls it. */
  public static H264Decoder singleThreaded() {
    H264Decoder d = new H264Decoder();
    try {
      Field pool = H264Decoder.class.getDeclaredField("tp");
      Field threaded = H264Decoder.class.getDeclaredField("threaded");
      pool.setAccessible(true);
      threaded.setAccessible(true);
      threaded.setBoolean(d, false);
      if (pool.get(d) instanceof ExecutorService executor) {
        executor.shutdownNow();
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      if (!warned) {
        warned = true;
        LOG.warn("jcodec's H264Decoder no longer has the fields vidlog turns its thread pool off with: {}", e.toString());
      }
    }
    return d;
  }
}
