package io.vidlog.playback.getmedia;

import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.kvs.StreamError;
import io.vidlog.playback.chunk.ChunkSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a GetMedia response ends, exactly once: cleanly (the reader resumes with the continuation
 * token of its last whole chunk), or with an error chunk once bytes have been sent
 * (docs/wire-protocol.md §2 "Errors inside the stream": ERROR_ID and ERROR_CODE beside the fragment
 * number, then the end). Either way the connection slot is given back.
 */
final class SessionEnding {
  private static final Logger LOG = LoggerFactory.getLogger(SessionEnding.class);

  private final ChunkSink out;
  private final String streamName;
  private final Runnable onFinish;
  private boolean done;

  SessionEnding(ChunkSink out, String streamName, Runnable onFinish) {
    this.out = out;
    this.streamName = streamName;
    this.onFinish = onFinish;
  }

  /** Ends the response after the last byte written (also when the reader has gone: then nothing is sent). */
  void clean() {
    if (finish()) {
      out.end();
      onFinish.run();
    }
  }

  /** Ends with an error chunk for {@code number} (null: no fragment yet, sent as "0"). */
  void error(StreamError error, FragmentNumber number, String message) {
    if (finish()) {
      out.endWithError(number == null ? "0" : number.value(), error, message, false);
      onFinish.run();
    }
  }

  /** A store or index failure: logged here, reported to the reader as INTERNAL_ERROR (5000). */
  void internalError(Throwable cause, FragmentNumber number) {
    LOG.warn("GetMedia on stream {} failed at fragment {}", streamName, number, cause);
    error(StreamError.INTERNAL_ERROR, number, "Internal error");
  }

  private boolean finish() {
    if (done) {
      return false;
    }
    done = true;
    return true;
  }
}
