package io.vidlog.server.control;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vidlog.fragmentstore.index.TimeIndex.TimestampKind;
import io.vidlog.fragmentstore.streams.StreamRegistry;
import io.vidlog.fragmentstore.streams.StreamRegistry.CreateStreamRequest;
import io.vidlog.kvs.KvsAction;
import io.vidlog.kvs.KvsError;
import io.vidlog.kvs.KvsException;
import io.vidlog.kvs.Paging;
import io.vidlog.kvs.Principal;
import io.vidlog.kvs.StreamArn;
import io.vidlog.kvs.StreamRef;
import io.vidlog.kvs.StreamRules;
import io.vidlog.kvs.http.Caller;
import io.vidlog.kvs.http.Fields;
import io.vidlog.kvs.http.TestCallers;
import io.vidlog.playback.request.ClipRequest;
import io.vidlog.playback.request.FragmentListRequest;
import io.vidlog.playback.request.ImagesRequest;
import io.vidlog.playback.request.GetMediaRequest;
import io.vidlog.playback.request.ListFragmentsRequest;
import io.vidlog.playback.request.StartSelector;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

/**
 * What must hold for any JSON request body of the KVS APIs (docs/wire-protocol.md §0, §2–§4), read
 * by {@link Fields} and the request readers: GetMedia, ListFragments, GetMediaForFragmentList, GetClip and GetImages in
 * playback, and the control plane's stream and tag operations.
 *
 * <ul>
 *   <li>Only {@link KvsException} escapes: InvalidArgumentException, ResourceNotFoundException for a
 *       ResourceARN that is not a stream, AccessDeniedException for a stream the caller may not use.</li>
 *   <li>Every InvalidArgumentException message is AWS's validation grammar ({@code 1 validation error
 *       detected: Value at '<member path>' failed to satisfy constraint: Member …}) naming a member
 *       path, never client text, or one of the documented whole-request messages; every message is
 *       short.</li>
 *   <li>What is accepted satisfies the model: lengths in code points, patterns, ranges, enums, list
 *       and map sizes, exactly one of StreamName and StreamARN; and it is what the body said.</li>
 *   <li>The caller is asked about the stream the request names, before the registry sees it: a
 *       denied name never reaches the registry, an accepted one reaches it as authorized.</li>
 *   <li>The same document re-encoded reads the same.</li>
 * </ul>
 *
 * <p>The input is the operation's name on the first line (an unknown name picks an operation by its
 * hash) and the body after it.
 */
final class RequestBodiesOracle {
  static final int MAX_MESSAGE = 512;
  /** The caller may not use streams whose name starts with this. */
  static final String DENIED_PREFIX = "denied";
  private static final Pattern VALIDATION = Pattern.compile(
      "1 validation error detected: Value at '(?<path>body|[A-Z][A-Za-z]*(\\.([A-Z][A-Za-z]*|member|key|value))*)' failed to "
          + "satisfy constraint: Member (?<what>.*)", Pattern.DOTALL);
  private static final List<Pattern> CONSTRAINTS = List.of(
      "is required", "must be a string", "must be an integer", "must be a structure", "must be a list",
      "must be a list of strings", "must be a list of \\{Key, Value\\} structures", "must be a JSON object",
      "must be a timestamp in epoch seconds", "must have length between \\d+ and \\d+",
      "must have value between -?\\d+ and -?\\d+", "must have between \\d+ and \\d+ entries",
      "must satisfy regular expression pattern: \\S+", "must satisfy enum value set: \\[[A-Z_, ]+\\]",
      "must not start with aws:", "must be a token this service issued",
      "StartTimestamp must not be after EndTimestamp",
      // GetClip and GetImages (docs/wire-protocol.md §3.3, §3.4)
      "EndTimestamp must be later than StartTimestamp", "EndTimestamp must be within 24 hours of StartTimestamp",
      "EndTimestamp must be in the past with SERVER_TIMESTAMP", "must not be before StartTimestamp",
      "must be within 300 seconds of StartTimestamp", "must have exactly one key, JPEGQuality",
      "must be an integer from 1 to 100",
      "must be a NextToken of this request's stream, selector type, time range and sampling interval")
      .stream().map(Pattern::compile).toList();
  private static final Set<String> WHOLE_REQUEST = Set.of("StreamName or StreamARN is required",
      "Specify either StreamName or StreamARN, not both",
      "StreamARN is not a Kinesis Video stream ARN (arn:aws:kinesisvideo:<region>:<account>:stream/<name>/<digits>)");
  private static final Pattern NO_RESOURCE = Pattern.compile("The resource (.*) does not exist");
  private static final Exception ACCEPTED = new Exception("accepted", null, false, false) {};

  private static final Principal PRINCIPAL = new Principal() {
    @Override
    public String id() {
      return "fuzz";
    }

    @Override
    public boolean allows(String action, String streamName) {
      return streamName == null || !streamName.startsWith(DENIED_PREFIX);
    }
  };

  /** The server's clock while GetClip requests are read (a SERVER_TIMESTAMP range may not end after it). */
  static final long NOW_MILLIS = 1_765_000_000_000L;

  /** One API: its action and how a body is read and handed on. */
  enum Op {
    CREATE_STREAM(KvsAction.CREATE_STREAM), DESCRIBE_STREAM(KvsAction.DESCRIBE_STREAM),
    LIST_STREAMS(KvsAction.LIST_STREAMS), DELETE_STREAM(KvsAction.DELETE_STREAM),
    UPDATE_STREAM(KvsAction.UPDATE_STREAM), UPDATE_DATA_RETENTION(KvsAction.UPDATE_DATA_RETENTION),
    GET_DATA_ENDPOINT(KvsAction.GET_DATA_ENDPOINT), TAG_STREAM(KvsAction.TAG_STREAM),
    UNTAG_STREAM(KvsAction.UNTAG_STREAM), LIST_TAGS_FOR_STREAM(KvsAction.LIST_TAGS_FOR_STREAM),
    TAG_RESOURCE(KvsAction.TAG_RESOURCE), UNTAG_RESOURCE(KvsAction.UNTAG_RESOURCE),
    LIST_TAGS_FOR_RESOURCE(KvsAction.LIST_TAGS_FOR_RESOURCE), GET_MEDIA(KvsAction.GET_MEDIA),
    LIST_FRAGMENTS(KvsAction.LIST_FRAGMENTS), GET_MEDIA_FOR_FRAGMENT_LIST(KvsAction.GET_MEDIA_FOR_FRAGMENT_LIST),
    GET_CLIP(KvsAction.GET_CLIP), GET_IMAGES(KvsAction.GET_IMAGES);

    final KvsAction action;

    Op(KvsAction action) {
      this.action = action;
    }

    static Op of(String name) {
      for (Op op : values()) {
        if (op.action.actionName().equals(name)) {
          return op;
        }
      }
      return values()[Math.floorMod(name.hashCode(), values().length)];
    }
  }

  /** One registry call: the method and its arguments. */
  record Call(String method, List<Object> args) {}

  /** What reading a body did: the registry call or the playback request it made, or the refusal. */
  record Outcome(Call call, Object request, KvsException refusal, String authorized) {
    String describe() {
      return refusal != null ? refusal.error() + ": " + refusal.getMessage()
          : (call != null ? call.toString() : String.valueOf(request)) + " as " + authorized;
    }
  }

  private RequestBodiesOracle() {}

  static void check(byte[] input) {
    int nl = indexOf(input, (byte) '\n');
    String name = new String(input, 0, nl < 0 ? input.length : nl, StandardCharsets.ISO_8859_1).trim();
    byte[] body = nl < 0 ? new byte[0] : Arrays.copyOfRange(input, nl + 1, input.length);
    Op op = Op.of(name);
    Outcome first = read(op, Buffer.buffer(body));
    if (first.refusal() != null) {
      checkRefusal(first);
      return;
    }
    JsonObject json = Fields.parse(Buffer.buffer(body));
    checkAccepted(op, json, first);
    Outcome again = read(op, json.toBuffer());
    if (!first.describe().equals(again.describe())) {
      throw new AssertionError("the same document re-encoded reads differently:\n" + first.describe() + "\n"
          + again.describe());
    }
  }

  private static int indexOf(byte[] a, byte b) {
    for (int i = 0; i < a.length; i++) {
      if (a[i] == b) {
        return i;
      }
    }
    return -1;
  }

  /** Reads {@code body} as {@code op}'s request; anything but a KvsException escapes. */
  static Outcome read(Op op, Buffer body) {
    List<Call> calls = new ArrayList<>();
    StreamRegistry registry = (StreamRegistry) Proxy.newProxyInstance(RequestBodiesOracle.class.getClassLoader(),
        new Class<?>[] {StreamRegistry.class}, (proxy, method, args) -> {
          calls.add(new Call(method.getName(), args == null ? List.of() : Arrays.asList(args)));
          return Future.failedFuture(ACCEPTED);
        });
    RoutingContext ctx = TestCallers.context(PRINCIPAL, op.action);
    try {
      Fields f = new Fields(Fields.parse(body));
      Caller c = Caller.of(ctx);
      Object request = switch (op) {
        // the playback handlers authorize the stream a request names once it is read
        case GET_MEDIA -> authorized(c, GetMediaRequest.parse(f), GetMediaRequest::stream);
        case LIST_FRAGMENTS -> authorized(c, ListFragmentsRequest.parse(f), ListFragmentsRequest::stream);
        case GET_MEDIA_FOR_FRAGMENT_LIST -> authorized(c, FragmentListRequest.parse(f), FragmentListRequest::stream);
        case GET_CLIP -> authorized(c, ClipRequest.parse(f, NOW_MILLIS), ClipRequest::stream);
        case GET_IMAGES -> authorized(c, ImagesRequest.parse(f), ImagesRequest::stream);
        default -> {
          settled(control(op, registry).apply(f, c));
          yield null;
        }
      };
      if (request == null && calls.size() != 1) {
        throw new AssertionError(op + " accepted with " + calls.size() + " registry calls: " + calls);
      }
      return new Outcome(request == null ? calls.get(0) : null, request, null, Caller.streamOf(ctx));
    } catch (KvsException e) {
      if (!calls.isEmpty()) {
        throw new AssertionError(op + " refused (" + e.getMessage() + ") after calling the registry: " + calls, e);
      }
      return new Outcome(null, null, e, Caller.streamOf(ctx));
    }
  }

  private static <R> R authorized(Caller c, R request, java.util.function.Function<R, StreamRef> stream) {
    c.authorize(stream.apply(request));
    return request;
  }

  private static BiFunction<Fields, Caller, Future<JsonObject>> control(Op op, StreamRegistry registry) {
    StreamOps streams = new StreamOps(registry);
    TagOps tags = new TagOps(registry);
    return switch (op) {
      case CREATE_STREAM -> streams::create;
      case DESCRIBE_STREAM -> streams::describe;
      case LIST_STREAMS -> streams::list;
      case DELETE_STREAM -> streams::delete;
      case UPDATE_STREAM -> streams::update;
      case UPDATE_DATA_RETENTION -> streams::updateRetention;
      case GET_DATA_ENDPOINT -> (f, c) -> streams.dataEndpoint(f, c, api -> "https://127.0.0.1:8443", StreamRouting.HERE);
      case TAG_STREAM -> tags::tagStream;
      case UNTAG_STREAM -> tags::untagStream;
      case LIST_TAGS_FOR_STREAM -> tags::listTagsForStream;
      case TAG_RESOURCE -> tags::tagResource;
      case UNTAG_RESOURCE -> tags::untagResource;
      case LIST_TAGS_FOR_RESOURCE -> tags::listTagsForResource;
      default -> throw new IllegalArgumentException(op.name());
    };
  }

  /** An operation that read its request completes with what the registry answered, nothing else. */
  private static void settled(Future<JsonObject> result) {
    if (!result.failed() || result.cause() != ACCEPTED) {
      throw new AssertionError("the operation did not pass on the registry's answer: " + result);
    }
  }

  private static void checkRefusal(Outcome o) {
    KvsException e = o.refusal();
    String m = e.getMessage();
    // a validation message names members only; a refusal about a resource may quote the ARN the model allows
    int max = e.error() == KvsError.INVALID_ARGUMENT ? MAX_MESSAGE : MAX_MESSAGE + StreamArn.MAX_LENGTH;
    if (m == null || m.length() > max) {
      throw new AssertionError("refusal message of " + (m == null ? "no" : m.length()) + " characters", e);
    }
    switch (e.error()) {
      case INVALID_ARGUMENT -> {
        var v = VALIDATION.matcher(m);
        if (v.matches() ? CONSTRAINTS.stream().noneMatch(p -> p.matcher(v.group("what")).matches())
            : !WHOLE_REQUEST.contains(m)) {
          throw new AssertionError("not a documented InvalidArgumentException message: " + m, e);
        }
      }
      case RESOURCE_NOT_FOUND -> {
        var r = NO_RESOURCE.matcher(m);
        if (!r.matches() || !StreamArn.RESOURCE.matcher(r.group(1)).matches() || StreamArn.tryParse(r.group(1)).isPresent()) {
          throw new AssertionError("ResourceNotFound for something but a valid non-stream ResourceARN: " + m, e);
        }
      }
      case ACCESS_DENIED, NOT_AUTHORIZED -> {
        if (o.authorized() == null || !o.authorized().startsWith(DENIED_PREFIX)) {
          throw new AssertionError("denied though the caller may use '" + o.authorized() + "': " + m, e);
        }
      }
      default -> throw new AssertionError("refused with " + e.error() + ": " + m, e);
    }
  }

  private static void checkAccepted(Op op, JsonObject json, Outcome o) {
    // ListStreams names no stream: it shows each caller only the streams it may see
    if (op == Op.LIST_STREAMS ? o.authorized() != null : o.authorized() == null || o.authorized().startsWith(DENIED_PREFIX)) {
      throw new AssertionError(op + " accepted for stream '" + o.authorized() + "', which the caller may not use");
    }
    if (o.request() != null) {
      checkPlayback(json, o.request(), o.authorized());
      return;
    }
    List<Object> a = o.call().args();
    switch (op) {
      case CREATE_STREAM -> {
        CreateStreamRequest r = (CreateStreamRequest) a.get(0);
        same(o.authorized(), r.streamName(), "authorized name");
        same(json.getValue("StreamName"), r.streamName(), "StreamName");
        name(r.streamName());
        optional(json, "DeviceName", r.deviceName(), 1, StreamRules.DEVICE_NAME_MAX, StreamRules.NAME);
        optional(json, "MediaType", r.mediaType(), 1, StreamRules.MEDIA_TYPE_MAX, StreamRules.MEDIA_TYPE);
        optional(json, "KmsKeyId", r.kmsKeyId(), 1, StreamRules.KMS_KEY_ID_MAX, null);
        if (r.dataRetentionInHours() != null) {
          range("DataRetentionInHours", r.dataRetentionInHours(), 0, StreamRules.MAX_RETENTION_HOURS);
          same(json.getNumber("DataRetentionInHours").doubleValue(), r.dataRetentionInHours().doubleValue(),
              "DataRetentionInHours");
        }
        if (r.tags() != null) {
          tags(r.tags());
          same(json.getJsonObject("Tags").getMap(), r.tags(), "Tags");
        }
        JsonObject storage = json.getJsonObject("StreamStorageConfiguration");
        if (storage != null && !Set.of("HOT", "WARM").contains(storage.getValue("DefaultStorageTier"))) {
          throw new AssertionError("accepted DefaultStorageTier " + storage.getValue("DefaultStorageTier"));
        }
      }
      case DESCRIBE_STREAM, GET_DATA_ENDPOINT, LIST_TAGS_FOR_STREAM -> {
        ref(json, (StreamRef) a.get(0), o.authorized());
        if (op == Op.GET_DATA_ENDPOINT && !StreamOps.API_NAMES.contains(json.getValue("APIName"))) {
          throw new AssertionError("accepted APIName " + json.getValue("APIName"));
        }
        if (op == Op.LIST_TAGS_FOR_STREAM) {
          optional(json, "NextToken", json.getValue("NextToken"), 0, 512, StreamRules.NEXT_TOKEN);
        }
      }
      case LIST_STREAMS -> {
        int max = (Integer) a.get(0);
        range("MaxResults", max, 1, Paging.LIST_STREAMS.max());
        same(json.containsKey("MaxResults") ? json.getNumber("MaxResults").doubleValue() : 10_000.0, (double) max,
            "MaxResults");
        String token = (String) a.get(1);
        if (token != null) {
          length("NextToken", token, 1, 1024, StreamRules.NEXT_TOKEN);
          same(json.getValue("NextToken"), token, "NextToken");
        } else if (json.getValue("NextToken") != null && !"".equals(json.getValue("NextToken"))) {
          throw new AssertionError("NextToken " + json.getValue("NextToken") + " dropped");
        }
        if (a.get(2) != null) {
          name((String) a.get(2));
          same(json.getJsonObject("StreamNameCondition").getValue("ComparisonValue"), a.get(2), "ComparisonValue");
        }
      }
      case DELETE_STREAM -> {
        // DeleteStream's only stream member is StreamARN (a StreamName is not a member, so not read)
        arnRef(json, "StreamARN", (StreamRef) a.get(0), o.authorized());
        optional(json, "CurrentVersion", a.get(1), 1, StreamRules.VERSION_MAX, StreamRules.VERSION);
      }
      case UPDATE_STREAM -> {
        ref(json, (StreamRef) a.get(0), o.authorized());
        length("CurrentVersion", (String) a.get(1), 1, StreamRules.VERSION_MAX, StreamRules.VERSION);
        optional(json, "DeviceName", a.get(2), 1, StreamRules.DEVICE_NAME_MAX, StreamRules.NAME);
        optional(json, "MediaType", a.get(3), 1, StreamRules.MEDIA_TYPE_MAX, StreamRules.MEDIA_TYPE);
      }
      case UPDATE_DATA_RETENTION -> {
        ref(json, (StreamRef) a.get(0), o.authorized());
        length("CurrentVersion", (String) a.get(1), 1, StreamRules.VERSION_MAX, StreamRules.VERSION);
        same(json.getValue("Operation"), (Boolean) a.get(2) ? "INCREASE_DATA_RETENTION" : "DECREASE_DATA_RETENTION",
            "Operation");
        range("DataRetentionChangeInHours", (Integer) a.get(3), 1, StreamRules.MAX_RETENTION_HOURS);
        same(json.getNumber("DataRetentionChangeInHours").doubleValue(), ((Integer) a.get(3)).doubleValue(),
            "DataRetentionChangeInHours");
      }
      case TAG_STREAM, TAG_RESOURCE -> {
        resourceOrRef(op, json, (StreamRef) a.get(0), o.authorized());
        @SuppressWarnings("unchecked")
        Map<String, String> tags = (Map<String, String>) a.get(1);
        tags(tags);
        Map<String, Object> given = new java.util.LinkedHashMap<>();
        if (op == Op.TAG_STREAM) {
          given.putAll(json.getJsonObject("Tags").getMap());
        } else {
          // a key given twice: the last value counts
          json.getJsonArray("Tags").forEach(t -> given.put(((JsonObject) t).getString("Key"),
              ((JsonObject) t).getValue("Value")));
        }
        same(given, tags, "Tags");
      }
      case UNTAG_STREAM, UNTAG_RESOURCE -> {
        resourceOrRef(op, json, (StreamRef) a.get(0), o.authorized());
        @SuppressWarnings("unchecked")
        List<String> keys = (List<String>) a.get(1);
        size("TagKeyList", keys.size(), 1, StreamRules.MAX_TAGS);
        keys.forEach(k -> length("TagKeyList.member", k, 1, StreamRules.TAG_KEY_MAX, StreamRules.TAG_TEXT));
        same(json.getJsonArray("TagKeyList").getList(), keys, "TagKeyList");
      }
      case LIST_TAGS_FOR_RESOURCE -> resourceOrRef(op, json, (StreamRef) a.get(0), o.authorized());
      default -> throw new AssertionError("unexpected " + op);
    }
  }

  private static void checkPlayback(JsonObject json, Object request, String authorized) {
    if (request instanceof GetMediaRequest r) {
      ref(json, r.stream(), authorized);
      JsonObject sel = json.getJsonObject("StartSelector");
      StartSelector s = r.selector();
      same(sel.getValue("StartSelectorType"), s.type().name(), "StartSelectorType");
      switch (s.type()) {
        case FRAGMENT_NUMBER -> same(sel.getValue("AfterFragmentNumber"), s.afterFragmentNumber().value(),
            "AfterFragmentNumber");
        case SERVER_TIMESTAMP, PRODUCER_TIMESTAMP -> timestamp(sel, "StartTimestamp", s.startTimestampMillis());
        case CONTINUATION_TOKEN -> {
          length("ContinuationToken", s.continuationToken(), 1, 128, StreamRules.FRAGMENT_NUMBER);
          same(sel.getValue("ContinuationToken"), s.continuationToken(), "ContinuationToken");
          same(s.continuationToken(), s.afterFragmentNumber().value(), "the token's fragment number");
        }
        case NOW, EARLIEST -> { }
      }
    } else if (request instanceof ListFragmentsRequest r) {
      ref(json, r.stream(), authorized);
      range("MaxResults", r.maxResults(), 1, Paging.LIST_FRAGMENTS.max());
      same(json.containsKey("MaxResults") ? json.getNumber("MaxResults").doubleValue() : 1000.0,
          (double) r.maxResults(), "MaxResults");
      if (r.nextToken() != null) {
        length("NextToken", r.nextToken(), 1, Paging.MAX_NEXT_TOKEN, Paging.NEXT_TOKEN_BASE64);
      }
      same(json.getValue("NextToken"), r.nextToken(), "NextToken");
      if (r.fromMillis() > r.toMillis()) {
        throw new AssertionError("accepted a range from " + r.fromMillis() + " to " + r.toMillis());
      }
      JsonObject sel = json.getJsonObject("FragmentSelector");
      if (sel != null) {
        JsonObject range = sel.getJsonObject("TimestampRange");
        timestamp(range, "StartTimestamp", r.fromMillis());
        timestamp(range, "EndTimestamp", r.toMillis());
        same(sel.getValue("FragmentSelectorType"), r.kind().name() + "_TIMESTAMP", "FragmentSelectorType");
      }
    } else if (request instanceof FragmentListRequest r) {
      ref(json, r.stream(), authorized);
      size("Fragments", r.fragments().size(), 1, Paging.FRAGMENT_LIST.max());
      same(json.getJsonArray("Fragments").getList(), r.fragments().stream().map(n -> n.value()).toList(),
          "Fragments");
      r.fragments().forEach(n -> length("Fragments.member", n.value(), 1, 128, StreamRules.FRAGMENT_NUMBER));
    } else if (request instanceof ClipRequest r) {
      ref(json, r.stream(), authorized);
      JsonObject sel = json.getJsonObject("ClipFragmentSelector");
      same(sel.getValue("FragmentSelectorType"), r.kind().name() + "_TIMESTAMP", "FragmentSelectorType");
      JsonObject range = sel.getJsonObject("TimestampRange");
      timestamp(range, "StartTimestamp", r.startMillis());
      timestamp(range, "EndTimestamp", r.endMillis());
      range("the clip's range", r.endMillis() - r.startMillis(), 1, ClipRequest.MAX_RANGE_MILLIS);
      if (r.kind() == TimestampKind.SERVER) {
        range("a SERVER_TIMESTAMP end", r.endMillis(), Long.MIN_VALUE, NOW_MILLIS);
      }
    } else if (request instanceof ImagesRequest r) {
      ref(json, r.stream(), authorized);
      same(json.getValue("ImageSelectorType"), r.kind().name() + "_TIMESTAMP", "ImageSelectorType");
      timestamp(json, "StartTimestamp", r.startMillis());
      timestamp(json, "EndTimestamp", r.endMillis());
      range("the images' range", r.endMillis() - r.startMillis(), 0, ImagesRequest.MAX_RANGE_MILLIS);
      range("SamplingInterval", r.intervalMillis(), ImagesRequest.MIN_INTERVAL_MILLIS, Integer.MAX_VALUE);
      same(json.getValue("Format"), r.format(), "Format");
      range("JPEGQuality", r.quality(), 1, 100);
      range("WidthPixels", r.width(), 0, ImagesRequest.MAX_WIDTH);
      range("HeightPixels", r.height(), 0, ImagesRequest.MAX_HEIGHT);
      range("the page size", r.pageSize(), 1, ImagesRequest.PAGE_LIMIT);
      range("the first time of the page", r.first(), 0, r.count() - 1);
    }
  }

  /** Exactly one of StreamName and StreamARN, valid, as the body gave it, and the one authorized. */
  private static void ref(JsonObject json, StreamRef ref, String authorized) {
    Object name = json.getValue("StreamName");
    Object arn = json.getValue("StreamARN");
    boolean hasName = name instanceof String s && !s.isEmpty();
    boolean hasArn = arn instanceof String s && !s.isEmpty();
    if (hasName == hasArn) {
      throw new AssertionError("accepted with StreamName " + name + " and StreamARN " + arn);
    }
    if (hasName) {
      same(name, ref.name(), "StreamName");
    } else {
      length("StreamARN", (String) arn, 1, StreamArn.MAX_LENGTH, StreamArn.RESOURCE);
      same(arn, ref.arn().render(), "StreamARN");
    }
    name(ref.streamName());
    same(authorized, ref.streamName(), "authorized name");
  }

  private static void resourceOrRef(Op op, JsonObject json, StreamRef ref, String authorized) {
    if (op.name().endsWith("_STREAM")) {
      ref(json, ref, authorized);
      return;
    }
    arnRef(json, "ResourceARN", ref, authorized);
  }

  /** A stream named by an ARN member alone: valid, as the body gave it, and the one authorized. */
  private static void arnRef(JsonObject json, String field, StreamRef ref, String authorized) {
    if (ref.arn() == null) {
      throw new AssertionError("accepted without " + field);
    }
    length(field, json.getString(field), 1, StreamArn.MAX_LENGTH, StreamArn.RESOURCE);
    same(json.getString(field), ref.arn().render(), field);
    name(ref.streamName());
    same(authorized, ref.streamName(), "authorized name");
  }

  private static void tags(Map<String, String> tags) {
    size("Tags", tags.size(), 1, StreamRules.MAX_TAGS);
    tags.forEach((k, v) -> {
      length("tag key", k, 1, StreamRules.TAG_KEY_MAX, StreamRules.TAG_TEXT);
      if (k.startsWith(StreamRules.RESERVED_TAG_PREFIX)) {
        throw new AssertionError("accepted the reserved tag key " + k);
      }
      length("tag value", v, 0, StreamRules.TAG_VALUE_MAX, StreamRules.TAG_TEXT);
    });
  }

  private static void timestamp(JsonObject o, String field, long millis) {
    double seconds = o.getNumber(field).doubleValue();
    if (Math.abs(seconds) > 1e11 || millis != Math.round(seconds * 1000.0)) {
      throw new AssertionError(field + " " + seconds + " accepted as " + millis + " ms");
    }
  }

  private static void name(String n) {
    if (!StreamRules.isValidName(n)) {
      throw new AssertionError("accepted the stream name " + n);
    }
  }

  private static void optional(JsonObject json, String field, Object value, int min, int max, Pattern pattern) {
    if (value != null) {
      length(field, (String) value, min, max, pattern);
    }
    same(json.getValue(field), value, field);
  }

  private static void length(String field, String s, int min, int max, Pattern pattern) {
    int n = s.codePointCount(0, s.length());
    if (n < min || n > max || (pattern != null && !pattern.matcher(s).matches())) {
      throw new AssertionError("accepted " + field + " of " + n + " code points (" + min + ".." + max + ", "
          + pattern + "): " + (s.length() > 80 ? s.substring(0, 80) + "…" : s));
    }
  }

  private static void range(String field, long v, long min, long max) {
    if (v < min || v > max) {
      throw new AssertionError("accepted " + field + " " + v + ", outside " + min + ".." + max);
    }
  }

  private static void size(String field, int n, int min, int max) {
    if (n < min || n > max) {
      throw new AssertionError("accepted " + field + " with " + n + " members, outside " + min + ".." + max);
    }
  }

  private static void same(Object given, Object read, String what) {
    if (!Objects.equals(given, read)) {
      throw new AssertionError(what + " read as " + read + " from " + given);
    }
  }
}
