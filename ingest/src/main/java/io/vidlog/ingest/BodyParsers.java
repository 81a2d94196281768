package io.vidlog.ingest;

import io.vidlog.media.mkv.MkvException;
import io.vidlog.media.mkv.MkvHandler;
import io.vidlog.media.mkv.MkvReader;
import java.nio.ByteBuffer;
import java.util.function.Function;

/** The body parsers of PutMedia: MKV through the media module's reader, MP4 through its demuxer. */
final class BodyParsers {
  private static final byte[] EBML_MAGIC = {0x1A, 0x45, (byte) 0xDF, (byte) 0xA3};

  private BodyParsers() {}

  static Function<MkvHandler, BodyParser> mkv(IngestConfig config) {
    return handler -> {
      MkvReader reader = new MkvReader(handler, config.mkvLimits());
      return new BodyParser() {
        private long seen;

        @Override
        public void feed(ByteBuffer bytes) {
          // A PutMedia body is one MKV stream: it must open with an EBML header (RFC 8794 §11.2),
          // so garbage is refused at its first byte instead of being skipped as an unknown element.
          for (int i = bytes.position(); seen < EBML_MAGIC.length && i < bytes.limit(); i++, seen++) {
            if (bytes.get(i) != EBML_MAGIC[(int) seen]) {
              throw new MkvException(MkvException.Kind.MALFORMED, seen, "body does not start with an EBML header");
            }
          }
          reader.feed(bytes);
        }

        @Override
        public void end() {
          reader.end();
        }
      };
    };
  }

  static Function<MkvHandler, BodyParser> mp4(IngestConfig config) {
    return handler -> {
      throw new MkvException(MkvException.Kind.UNSUPPORTED, 0, "MP4 upload not available yet");
    };
  }
}
