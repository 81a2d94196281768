package io.vidlog.server.control;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vidlog.kvs.KvsError;
import io.vidlog.kvs.Principal;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.fragmentstore.streams.StreamRef;
import io.vidlog.fragmentstore.streams.StreamRegistry;
import io.vidlog.fragmentstore.streams.StreamRegistry.CreateStreamRequest;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The stream operations of the control plane (kvs-api.md §4): validate the request, authorize on
 * the name it gave, then call the {@link StreamRegistry}. Each returns the response document.
 */
final class StreamOps {
  static final Set<String> API_NAMES = Set.of("PUT_MEDIA", "GET_MEDIA", "LIST_FRAGMENTS",
      "GET_MEDIA_FOR_FRAGMENT_LIST", "GET_HLS_STREAMING_SESSION_URL", "GET_DASH_STREAMING_SESSION_URL",
      "GET_CLIP", "GET_IMAGES");
  private static final JsonObject EMPTY = new JsonObject();

  private final StreamRegistry registry;

  StreamOps(StreamRegistry registry) {
    this.registry = registry;
  }

  Future<JsonObject> create(JsonObject body, Principal p) {
    Fields f = new Fields(body);
    String name = f.string("StreamName", 1, 256, Fields.STREAM_NAME, true);
    String device = f.string("DeviceName", 1, 128, Fields.DEVICE_NAME, false);
    String media = f.string("MediaType", 1, 128, Fields.MEDIA_TYPE, false);
    String kms = f.string("KmsKeyId", 1, 2048, Fields.ANY, false);
    Integer retention = f.integer("DataRetentionInHours", 0, Fields.MAX_RETENTION_HOURS, false);
    var tags = f.tagMap("Tags", false);
    JsonObject storage = f.object("StreamStorageConfiguration", false);
    if (storage != null) {
      new Fields(storage).enumValue("DefaultStorageTier", Set.of("HOT", "WARM"), true);
    }
    Access.require(p, "CreateStream", name, name);
    return registry.create(new CreateStreamRequest(name, device, media, kms, retention, tags))
        .map(s -> new JsonObject().put("StreamARN", s.streamArn()));
  }

  Future<JsonObject> describe(JsonObject body, Principal p) {
    StreamRef ref = ref(new Fields(body));
    Access.require(p, "DescribeStream", ref);
    return registry.describe(ref).map(s -> new JsonObject().put("StreamInfo", StreamJson.of(s)));
  }

  Future<JsonObject> list(JsonObject body, Principal p) {
    Fields f = new Fields(body);
    Integer max = f.integer("MaxResults", 1, 10_000, false);
    String token = f.string("NextToken", 0, 1024, Fields.NEXT_TOKEN, false);
    JsonObject cond = f.object("StreamNameCondition", false);
    String prefix = null;
    if (cond != null) {
      Fields c = new Fields(cond);
      c.enumValue("ComparisonOperator", Set.of("BEGINS_WITH"), false);
      prefix = c.string("ComparisonValue", 1, 256, Fields.STREAM_NAME, false);
    }
    Access.require(p, "ListStreams", null);
    return registry.list(max == null ? 10_000 : max, token == null || token.isEmpty() ? null : token, prefix)
        .map(page -> {
          JsonArray list = new JsonArray();
          for (StreamInfo s : page.streams()) {
            // a key scoped to some streams sees only those (others may or may not exist)
            if (p.allows("ListStreams", s.streamName())) {
              list.add(StreamJson.of(s));
            }
          }
          JsonObject out = new JsonObject().put("StreamInfoList", list);
          if (page.nextToken() != null) {
            out.put("NextToken", page.nextToken());
          }
          return out;
        });
  }

  Future<JsonObject> delete(JsonObject body, Principal p) {
    Fields f = new Fields(body);
    String arn = f.string("StreamARN", 1, 1024, Fields.ARN, true);
    String version = f.string("CurrentVersion", 1, 64, Fields.VERSION, false);
    StreamRef ref = StreamRef.of(null, arn);
    Access.require(p, "DeleteStream", ref);
    return registry.delete(ref, version).map(v -> EMPTY);
  }

  Future<JsonObject> update(JsonObject body, Principal p) {
    Fields f = new Fields(body);
    StreamRef ref = ref(f);
    String version = f.string("CurrentVersion", 1, 64, Fields.VERSION, true);
    String device = f.string("DeviceName", 1, 128, Fields.DEVICE_NAME, false);
    String media = f.string("MediaType", 1, 128, Fields.MEDIA_TYPE, false);
    Access.require(p, "UpdateStream", ref);
    return registry.update(ref, version, device, media).map(s -> EMPTY);
  }

  Future<JsonObject> updateRetention(JsonObject body, Principal p) {
    Fields f = new Fields(body);
    StreamRef ref = ref(f);
    String version = f.string("CurrentVersion", 1, 64, Fields.VERSION, true);
    String op = f.enumValue("Operation", Set.of("INCREASE_DATA_RETENTION", "DECREASE_DATA_RETENTION"), true);
    int change = f.integer("DataRetentionChangeInHours", 1, Fields.MAX_RETENTION_HOURS, true);
    Access.require(p, "UpdateDataRetention", ref);
    return registry.updateRetention(ref, version, op.startsWith("INCREASE"), change).map(s -> EMPTY);
  }

  /** @param endpointFor the base URL to answer for an APIName */
  Future<JsonObject> dataEndpoint(JsonObject body, Principal p, UnaryOperator<String> endpointFor) {
    Fields f = new Fields(body);
    StreamRef ref = ref(f);
    String api = f.enumValue("APIName", API_NAMES, true);
    Access.require(p, "GetDataEndpoint", ref);
    // the stream must exist, as in KVS
    return registry.describe(ref).map(s -> new JsonObject().put("DataEndpoint", endpointFor.apply(api)));
  }

  /** StreamName or StreamARN, exactly one (kvs-api.md §0). */
  static StreamRef ref(Fields f) {
    String name = f.string("StreamName", 1, 256, Fields.STREAM_NAME, false);
    String arn = f.string("StreamARN", 1, 1024, Fields.ARN, false);
    if (name == null && arn == null) {
      throw KvsError.INVALID_ARGUMENT.exception("StreamName or StreamARN is required");
    }
    return StreamRef.of(name, arn);
  }
}
