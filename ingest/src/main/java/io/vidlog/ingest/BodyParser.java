package io.vidlog.ingest;

import java.nio.ByteBuffer;

/**
 * A push-driven parser of a PutMedia body (MKV, or MP4 upload) that reports to a
 * {@link io.vidlog.media.mkv.MkvHandler}. {@code feed} consumes the whole buffer (keeping partial
 * elements itself) and throws {@link io.vidlog.media.mkv.MkvException} on bad input.
 */
interface BodyParser {
  void feed(ByteBuffer bytes);

  /** The body ended; throws MkvException when it ended inside an element. */
  void end();
}
