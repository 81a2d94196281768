package io.vidlog.server.control;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vidlog.fragmentstore.streams.StreamRegistry;
import io.vidlog.kvs.KvsError;
import io.vidlog.kvs.StreamArn;
import io.vidlog.kvs.StreamRef;
import io.vidlog.kvs.StreamRules;
import io.vidlog.kvs.http.Caller;
import io.vidlog.kvs.http.Fields;
import java.util.Map;

/**
 * Tagging (docs/wire-protocol.md §4): the stream forms (TagStream, UntagStream, ListTagsForStream:
 * StreamName or StreamARN, tags as a map) and the resource forms (TagResource, UntagResource,
 * ListTagsForResource: ResourceARN, TagResource's tags as a list of {Key, Value}).
 */
final class TagOps {
  private static final JsonObject EMPTY = new JsonObject();
  private final StreamRegistry registry;

  TagOps(StreamRegistry registry) {
    this.registry = registry;
  }

  Future<JsonObject> tagStream(Fields f, Caller c) {
    StreamRef ref = f.stream();
    Map<String, String> tags = f.tagMap("Tags", true);
    c.authorize(ref);
    return registry.tag(ref, tags).map(v -> EMPTY);
  }

  Future<JsonObject> untagStream(Fields f, Caller c) {
    StreamRef ref = f.stream();
    var keys = f.tagKeys("TagKeyList");
    c.authorize(ref);
    return registry.untag(ref, keys).map(v -> EMPTY);
  }

  Future<JsonObject> listTagsForStream(Fields f, Caller c) {
    StreamRef ref = f.stream();
    f.string("NextToken", 0, 512, StreamRules.NEXT_TOKEN, false);
    c.authorize(ref);
    // at most 50 tags: one page, no NextToken
    return registry.describe(ref).map(s -> new JsonObject().put("Tags", new JsonObject(Map.copyOf(s.tags()))));
  }

  Future<JsonObject> tagResource(Fields f, Caller c) {
    StreamRef ref = resource(f);
    Map<String, String> tags = f.tagList("Tags");
    c.authorize(ref);
    return registry.tag(ref, tags).map(v -> EMPTY);
  }

  Future<JsonObject> untagResource(Fields f, Caller c) {
    StreamRef ref = resource(f);
    var keys = f.tagKeys("TagKeyList");
    c.authorize(ref);
    return registry.untag(ref, keys).map(v -> EMPTY);
  }

  Future<JsonObject> listTagsForResource(Fields f, Caller c) {
    StreamRef ref = resource(f);
    f.string("NextToken", 0, 512, StreamRules.NEXT_TOKEN, false);
    c.authorize(ref);
    return registry.describe(ref).map(s -> new JsonObject().put("Tags", new JsonObject(Map.copyOf(s.tags()))));
  }

  /**
   * ResourceARN: any Kinesis Video resource ARN is a valid member, but vidlog has only streams, so
   * another resource type (a signaling channel, say) does not exist — for anyone.
   */
  private static StreamRef resource(Fields f) {
    String arn = f.string("ResourceARN", 1, StreamArn.MAX_LENGTH, StreamArn.RESOURCE, true);
    return StreamRef.byArn(StreamArn.tryParse(arn).orElseThrow(() ->
        KvsError.RESOURCE_NOT_FOUND.exception("The resource " + arn + " does not exist")));
  }
}
