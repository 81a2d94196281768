package io.vidlog.server.control;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.fragmentstore.streams.StreamRegistry;
import io.vidlog.fragmentstore.streams.StreamRegistry.CreateStreamRequest;
import io.vidlog.kvs.KvsException;
import io.vidlog.kvs.Paging;
import io.vidlog.kvs.StreamArn;
import io.vidlog.kvs.StreamRef;
import io.vidlog.kvs.StreamRules;
import io.vidlog.kvs.http.Caller;
import io.vidlog.kvs.http.Fields;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The stream operations of the control plane (docs/wire-protocol.md §4): read the request against
 * the model's rules, authorize on the name it gave, then call the {@link StreamRegistry}. Each
 * returns the response document.
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

  Future<JsonObject> create(Fields f, Caller c) {
    String name = f.string("StreamName", 1, StreamRules.NAME_MAX, StreamRules.NAME, true);
    String device = f.string("DeviceName", 1, StreamRules.DEVICE_NAME_MAX, StreamRules.NAME, false);
    String media = f.string("MediaType", 1, StreamRules.MEDIA_TYPE_MAX, StreamRules.MEDIA_TYPE, false);
    String kms = f.string("KmsKeyId", 1, StreamRules.KMS_KEY_ID_MAX, null, false);
    Integer retention = f.intValue("DataRetentionInHours", 0, StreamRules.MAX_RETENTION_HOURS, false);
    var tags = f.tagMap("Tags", false);
    Fields storage = f.object("StreamStorageConfiguration", false);
    if (storage != null) {
      storage.enumValue("DefaultStorageTier", Set.of("HOT", "WARM"), true);
    }
    c.authorize(name);
    return registry.create(new CreateStreamRequest(name, device, media, kms, retention, tags))
        .map(s -> new JsonObject().put("StreamARN", s.streamArn()));
  }

  Future<JsonObject> describe(Fields f, Caller c) {
    StreamRef ref = f.stream();
    c.authorize(ref);
    return registry.describe(ref).map(s -> new JsonObject().put("StreamInfo", StreamJson.of(s)));
  }

  Future<JsonObject> list(Fields f, Caller c) {
    int max = Paging.LIST_STREAMS.pageSize("MaxResults", f.integer("MaxResults", Long.MIN_VALUE, Long.MAX_VALUE, false));
    String token = f.string("NextToken", 0, 1024, StreamRules.NEXT_TOKEN, false);
    Fields cond = f.object("StreamNameCondition", false);
    String prefix = null;
    if (cond != null) {
      cond.enumValue("ComparisonOperator", Set.of("BEGINS_WITH"), false);
      prefix = cond.string("ComparisonValue", 1, StreamRules.NAME_MAX, StreamRules.NAME, false);
    }
    return registry.list(max, token == null || token.isEmpty() ? null : token, prefix)
        .map(page -> {
          JsonArray list = new JsonArray();
          for (StreamInfo s : page.streams()) {
            // a key scoped to some streams sees only those (others may or may not exist)
            if (c.maySee(s.streamName())) {
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

  Future<JsonObject> delete(Fields f, Caller c) {
    String arn = f.string("StreamARN", 1, StreamArn.MAX_LENGTH, StreamArn.RESOURCE, true);
    String version = f.string("CurrentVersion", 1, StreamRules.VERSION_MAX, StreamRules.VERSION, false);
    StreamRef ref = StreamRef.of(null, arn);
    c.authorize(ref);
    return registry.delete(ref, version).map(v -> EMPTY);
  }

  Future<JsonObject> update(Fields f, Caller c) {
    StreamRef ref = f.stream();
    String version = f.string("CurrentVersion", 1, StreamRules.VERSION_MAX, StreamRules.VERSION, true);
    String device = f.string("DeviceName", 1, StreamRules.DEVICE_NAME_MAX, StreamRules.NAME, false);
    String media = f.string("MediaType", 1, StreamRules.MEDIA_TYPE_MAX, StreamRules.MEDIA_TYPE, false);
    c.authorize(ref);
    return registry.update(ref, version, device, media).map(s -> EMPTY);
  }

  Future<JsonObject> updateRetention(Fields f, Caller c) {
    StreamRef ref = f.stream();
    String version = f.string("CurrentVersion", 1, StreamRules.VERSION_MAX, StreamRules.VERSION, true);
    String op = f.enumValue("Operation", Set.of("INCREASE_DATA_RETENTION", "DECREASE_DATA_RETENTION"), true);
    int change = f.intValue("DataRetentionChangeInHours", 1, StreamRules.MAX_RETENTION_HOURS, true);
    c.authorize(ref);
    return registry.updateRetention(ref, version, op.startsWith("INCREASE"), change).map(s -> EMPTY);
  }

  /** @param endpointFor this node's base URL for an APIName, answered unless {@code routing} names another node */
  Future<JsonObject> dataEndpoint(Fields f, Caller c, UnaryOperator<String> endpointFor, StreamRouting routing) {
    StreamRef ref = f.stream();
    String api = f.enumValue("APIName", API_NAMES, true);
    c.authorize(ref);
    // the stream must exist, as in KVS; in a cluster the answer may be another node's URL
    // a refusal from the cluster is the answer; any other failure to ask it leaves this node's URL
    return registry.describe(ref).compose(s -> routing.endpoint(s, api)
            .recover(e -> e instanceof KvsException ? Future.failedFuture(e) : Future.succeededFuture(null)))
        .map(url -> new JsonObject().put("DataEndpoint", url != null ? url : endpointFor.apply(api)));
  }
}
