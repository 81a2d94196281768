package io.vidlog.server.control;

import io.vertx.core.json.JsonObject;
import io.vidlog.fragmentstore.streams.StreamInfo;
import java.math.BigDecimal;

/** {@code StreamInfo} as KVS's JSON (docs/wire-protocol.md §4), CreationTime in epoch seconds with milliseconds. */
final class StreamJson {
  private StreamJson() {}

  static JsonObject of(StreamInfo s) {
    JsonObject o = new JsonObject();
    putIfSet(o, "DeviceName", s.deviceName());
    o.put("StreamName", s.streamName());
    o.put("StreamARN", s.streamArn());
    putIfSet(o, "MediaType", s.mediaType());
    putIfSet(o, "KmsKeyId", KmsKeyArns.of(s.kmsKeyId(), s.streamArn()));
    o.put("Version", s.version());
    o.put("Status", s.status().name());
    o.put("CreationTime", epochSeconds(s.creationTimeMillis()));
    o.put("DataRetentionInHours", s.dataRetentionInHours());
    return o;
  }

  /** rest-json timestamps are epoch seconds as a JSON number; fractional seconds allowed (docs/wire-protocol.md §0). */
  static BigDecimal epochSeconds(long millis) {
    return BigDecimal.valueOf(millis, 3);
  }

  private static void putIfSet(JsonObject o, String k, String v) {
    if (v != null) {
      o.put(k, v);
    }
  }
}
