package io.vidlog.fragmentstore.streams;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The persisted form of a stream record ({@code registry/streams/<streamId>}, sealed): the
 * StreamInfo fields as JSON plus a {@code deleted} flag, set durably by DeleteStream before the
 * stream's objects are freed so a restart finishes the job.
 */
final class StreamRecordCodec {
  static final int FORMAT = 1;

  /** A decoded record. */
  record Stored(StreamInfo info, boolean deleted) {}

  private StreamRecordCodec() {}

  static byte[] encode(StreamInfo s, boolean deleted) {
    JsonObject tags = new JsonObject();
    s.tags().forEach(tags::put);
    JsonObject o = new JsonObject()
        .put("format", FORMAT)
        .put("streamName", s.streamName())
        .put("streamArn", s.streamArn())
        .put("streamId", s.streamId())
        .put("status", s.status().name())
        .put("deviceName", s.deviceName())
        .put("mediaType", s.mediaType())
        .put("kmsKeyId", s.kmsKeyId())
        .put("dataRetentionInHours", s.dataRetentionInHours())
        .put("version", s.version())
        .put("creationTimeMillis", s.creationTimeMillis())
        .put("tags", tags)
        .put("deleted", deleted);
    return o.encode().getBytes(StandardCharsets.UTF_8);
  }

  static Stored decode(byte[] bytes) {
    JsonObject o = new JsonObject(new String(bytes, StandardCharsets.UTF_8));
    if (o.getInteger("format", 0) != FORMAT) {
      throw new IllegalArgumentException("unknown stream record format " + o.getValue("format"));
    }
    Map<String, String> tags = new LinkedHashMap<>();
    JsonObject t = o.getJsonObject("tags", new JsonObject());
    for (String k : t.fieldNames()) {
      tags.put(k, t.getString(k));
    }
    StreamInfo info = new StreamInfo(o.getString("streamName"), o.getString("streamArn"), o.getString("streamId"),
        StreamStatus.valueOf(o.getString("status")), o.getString("deviceName"), o.getString("mediaType"),
        o.getString("kmsKeyId"), o.getInteger("dataRetentionInHours"), o.getString("version"),
        o.getLong("creationTimeMillis"), Collections.unmodifiableMap(tags));
    return new Stored(info, o.getBoolean("deleted", false));
  }
}
