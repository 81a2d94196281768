package io.vidlog.ingest;

import io.vidlog.media.mkv.MkvException;
import io.vidlog.media.mkv.MkvHandler;
import java.util.function.Function;

/** The body parsers of PutMedia: MKV through the media module's reader, MP4 through its demuxer. */
final class BodyParsers {
  private BodyParsers() {}

  static Function<MkvHandler, BodyParser> mkv(IngestConfig config) {
    return handler -> {
      throw new MkvException(MkvException.Kind.UNSUPPORTED, 0, "MKV reader not available yet");
    };
  }

  static Function<MkvHandler, BodyParser> mp4(IngestConfig config) {
    return handler -> {
      throw new MkvException(MkvException.Kind.UNSUPPORTED, 0, "MP4 upload not available yet");
    };
  }
}
