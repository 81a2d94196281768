package io.vidlog.server.control;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vidlog.kvs.Principal;
import io.vidlog.fragmentstore.streams.StreamRef;
import io.vidlog.fragmentstore.streams.StreamRegistry;
import java.util.Map;

/**
 * Tagging (kvs-api.md §4): the stream forms (TagStream, UntagStream, ListTagsForStream: StreamName
 * or StreamARN, tags as a map) and the resource forms (TagResource, UntagResource,
 * ListTagsForResource: ResourceARN, TagResource's tags as a list of {Key, Value}).
 */
final class TagOps {
  private static final JsonObject EMPTY = new JsonObject();
  private final StreamRegistry registry;

  TagOps(StreamRegistry registry) {
    this.registry = registry;
  }

  Future<JsonObject> tagStream(JsonObject body, Principal p) {
    Fields f = new Fields(body);
    StreamRef ref = StreamOps.ref(f);
    Map<String, String> tags = f.tagMap("Tags", true);
    Access.require(p, "TagStream", ref);
    return registry.tag(ref, tags).map(v -> EMPTY);
  }

  Future<JsonObject> untagStream(JsonObject body, Principal p) {
    Fields f = new Fields(body);
    StreamRef ref = StreamOps.ref(f);
    var keys = f.tagKeys("TagKeyList");
    Access.require(p, "UntagStream", ref);
    return registry.untag(ref, keys).map(v -> EMPTY);
  }

  Future<JsonObject> listTagsForStream(JsonObject body, Principal p) {
    Fields f = new Fields(body);
    StreamRef ref = StreamOps.ref(f);
    f.string("NextToken", 0, 512, Fields.NEXT_TOKEN, false);
    Access.require(p, "ListTagsForStream", ref);
    // at most 50 tags: one page, no NextToken
    return registry.describe(ref).map(s -> new JsonObject().put("Tags", new JsonObject(Map.copyOf(s.tags()))));
  }

  Future<JsonObject> tagResource(JsonObject body, Principal p) {
    Fields f = new Fields(body);
    StreamRef ref = resource(f);
    Map<String, String> tags = f.tagList("Tags");
    Access.require(p, "TagResource", ref);
    return registry.tag(ref, tags).map(v -> EMPTY);
  }

  Future<JsonObject> untagResource(JsonObject body, Principal p) {
    Fields f = new Fields(body);
    StreamRef ref = resource(f);
    var keys = f.tagKeys("TagKeyList");
    Access.require(p, "UntagResource", ref);
    return registry.untag(ref, keys).map(v -> EMPTY);
  }

  Future<JsonObject> listTagsForResource(JsonObject body, Principal p) {
    Fields f = new Fields(body);
    StreamRef ref = resource(f);
    f.string("NextToken", 0, 512, Fields.NEXT_TOKEN, false);
    Access.require(p, "ListTagsForResource", ref);
    return registry.describe(ref).map(s -> new JsonObject().put("Tags", new JsonObject(Map.copyOf(s.tags()))));
  }

  private static StreamRef resource(Fields f) {
    return StreamRef.of(null, f.string("ResourceARN", 1, 1024, Fields.ARN, true));
  }
}
