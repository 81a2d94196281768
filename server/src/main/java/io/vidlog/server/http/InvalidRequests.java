package io.vidlog.server.http;

import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpServerRequest;
import io.vidlog.kvs.KvsError;
import java.util.UUID;

/**
 * Requests the HTTP decoder rejected before any route ran (request line or headers over the
 * limits, malformed framing): answered AWS-style like everything else, then the connection closes.
 */
public final class InvalidRequests {
  private InvalidRequests() {}

  public static void handle(HttpServerRequest req) {
    DecoderResult result = req.decoderResult();
    Throwable cause = result == null ? null : result.cause();
    int status;
    String message;
    if (cause instanceof TooLongHttpHeaderException) {
      status = 431;
      message = "The request headers are larger than this server accepts";
    } else if (cause instanceof TooLongHttpLineException) {
      status = 414;
      message = "The request line is longer than this server accepts";
    } else if (cause instanceof TooLongFrameException) {
      status = 413;
      message = "The request is larger than this server accepts";
    } else {
      status = 400;
      message = "Malformed HTTP request";
    }
    req.response().putHeader(RequestIds.HEADER, UUID.randomUUID().toString()).putHeader("connection", "close")
        .endHandler(v -> req.connection().close());
    AwsErrors.send(req.response(), status, KvsError.INVALID_ARGUMENT.type(), message);
  }
}
