package io.vidlog.playback.request;

import io.vidlog.kvs.StreamRef;
import io.vidlog.kvs.http.Fields;

/** A validated GetMedia request body (docs/wire-protocol.md §2). */
public record GetMediaRequest(StreamRef stream, StartSelector selector) {

  /** Reads and validates; failures are InvalidArgumentException. */
  public static GetMediaRequest parse(Fields f) {
    StreamRef stream = f.stream();
    return new GetMediaRequest(stream, StartSelector.parse(f.object("StartSelector", true)));
  }
}
