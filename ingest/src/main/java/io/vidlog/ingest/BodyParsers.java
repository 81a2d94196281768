package io.vidlog.ingest;

import static io.vidlog.media.MediaFormatException.Format.EBML;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vidlog.media.ByteBudget;
import io.vidlog.media.MediaFormatException;
import io.vidlog.media.mkv.MkvReader;
import java.nio.ByteBuffer;

/**
 * The body parsers of PutMedia: MKV through the media module's reader; MP4 through its demuxers,
 * fragmented MP4 as it arrives and progressive MP4 spooled to a temporary file ({@link Mp4Upload}).
 * Each connection's parser charges its buffers to a budget of its own, a child of the server-wide
 * one in {@link IngestBuffers}, and returns it when closed.
 */
final class BodyParsers {
  private static final byte[] EBML_MAGIC = {0x1A, 0x45, (byte) 0xDF, (byte) 0xA3};
  /** A KVS producer resuming a session may open the body with Tags before the EBML header (package-info). */
  private static final byte[] TAGS_ID = {0x12, 0x54, (byte) 0xC3, 0x67};

  private BodyParsers() {}

  static BodyParser.Factory mkv(IngestConfig config, IngestBuffers buffers) {
    return (handler, context, onProgress, stalled) -> {
      ByteBudget budget = buffers.connection();
      // each body buffer is the connection's own and never written again (HttpExchange): split frames are referenced
      MkvReader reader = new MkvReader(handler, config.mkvLimits(), budget, MkvReader.Input.KEPT);
      return new BodyParser() {
        private long seen;
        private boolean ebml = true;
        private boolean tags = true;

        @Override
        public void feed(ByteBuffer bytes) {
          // A PutMedia body is one MKV stream: it must open with an EBML header (RFC 8794 §11.2), or
          // with the Tags a KVS producer sends ahead of it, so garbage is refused at its first byte
          // instead of being skipped as an unknown element.
          for (int i = bytes.position(); seen < EBML_MAGIC.length && i < bytes.limit(); i++, seen++) {
            ebml &= bytes.get(i) == EBML_MAGIC[(int) seen];
            tags &= bytes.get(i) == TAGS_ID[(int) seen];
            if (!ebml && !tags) {
              throw EBML.malformed(seen, "body does not start with an EBML header");
            }
          }
          try {
            reader.feed(bytes);
          } catch (MediaFormatException e) {
            throw buffers.refusal(e);
          }
        }

        @Override
        public Future<Void> end() {
          try {
            reader.end();
          } catch (MediaFormatException e) {
            throw buffers.refusal(e);
          }
          return Future.succeededFuture();
        }

        @Override
        public void close() {
          reader.close();
        }
      };
    };
  }

  static BodyParser.Factory mp4(Vertx vertx, IngestConfig config, IngestBuffers buffers) {
    WorkerExecutor workers = vertx.createSharedWorkerExecutor("vidlog-ingest-mp4", 4);
    return (handler, context, onProgress, stalled) -> new Mp4Upload(config, handler, buffers,
        budget -> new Mp4Spool(vertx, workers, config, handler, context, onProgress, stalled, budget));
  }
}
