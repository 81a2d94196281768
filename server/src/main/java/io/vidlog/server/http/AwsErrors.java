package io.vidlog.server.http;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/** Writes an AWS rest-json error (docs/wire-protocol.md §0): status, {@code x-amzn-ErrorType} and {@code {"__type","Message"}}. */
public final class AwsErrors {
  public static final String ERROR_TYPE = "x-amzn-ErrorType";

  private AwsErrors() {}

  public static void send(HttpServerResponse response, int status, String type, String message) {
    if (response.headWritten()) {
      response.reset();
      return;
    }
    String body = new JsonObject().put("__type", type).put("Message", message).encode();
    response.setStatusCode(status)
        .putHeader(ERROR_TYPE, type)
        .putHeader("content-type", "application/json")
        .end(body);
  }
}
