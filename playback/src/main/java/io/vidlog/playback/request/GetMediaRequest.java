package io.vidlog.playback.request;

import io.vertx.core.json.JsonObject;
import io.vidlog.fragmentstore.streams.StreamRef;

/** A validated GetMedia request body (kvs-api.md §2). */
public record GetMediaRequest(StreamRef stream, StartSelector selector) {

  /** Parses and validates; failures are InvalidArgumentException. */
  public static GetMediaRequest parse(JsonObject json) {
    if (json == null) {
      throw JsonFields.invalid("A JSON request body is required");
    }
    StreamRef stream = JsonFields.stream(json);
    return new GetMediaRequest(stream, StartSelector.parse(JsonFields.object(json, "StartSelector")));
  }
}
