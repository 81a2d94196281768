package io.vidlog.ingest;

import io.vidlog.media.mkv.MkvException;
import io.vidlog.media.mkv.MkvHandler;
import io.vidlog.media.mkv.MkvReader;
import java.nio.ByteBuffer;
import java.util.function.Function;

/** The body parsers of PutMedia: MKV through the media module's reader, MP4 through its demuxer. */
final class BodyParsers {
  private BodyParsers() {}

  static Function<MkvHandler, BodyParser> mkv(IngestConfig config) {
    return handler -> {
      MkvReader reader = new MkvReader(handler, config.mkvLimits());
      return new BodyParser() {
        @Override
        public void feed(ByteBuffer bytes) {
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
