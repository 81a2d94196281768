package io.vidlog.kvs.http;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vidlog.kvs.Invalid;
import io.vidlog.kvs.KvsException;
import io.vidlog.kvs.StreamArn;
import io.vidlog.kvs.StreamRef;
import io.vidlog.kvs.StreamRules;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Typed reads of a rest-json request document against the KVS model's member constraints
 * (docs/wire-protocol.md §0): types, lengths, patterns, enums and ranges. Every API reads its request
 * through this one reader, so every refusal is an InvalidArgumentException in one grammar
 * ({@link Invalid}) naming the member by its path ({@code StartSelector.StartSelectorType}).
 */
public final class Fields {
  /** Epoch seconds beyond any timestamp a producer can send (year 5138), either side of 1970. */
  private static final double MAX_SECONDS = 1e11;

  private final JsonObject json;
  private final String path;

  public Fields(JsonObject json) {
    this(json, "");
  }

  private Fields(JsonObject json, String path) {
    this.json = json;
    this.path = path;
  }

  /**
   * The request document of a JSON route (its body, read by the route table); an empty body is
   * {@code {}} as in KVS, anything but a JSON object is an InvalidArgumentException.
   */
  public static Fields of(RoutingContext ctx) {
    var body = ctx.body();
    return new Fields(parse(body == null ? null : body.buffer()));
  }

  /** As {@link #of(RoutingContext)}, as a future (failed with InvalidArgumentException). */
  public static Future<Fields> request(RoutingContext ctx) {
    try {
      return Future.succeededFuture(of(ctx));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /** A JSON object from {@code buffer}; empty or absent is {@code {}}. */
  public static JsonObject parse(Buffer buffer) {
    if (buffer == null || buffer.length() == 0) {
      return new JsonObject();
    }
    try {
      return new JsonObject(buffer);
    } catch (DecodeException | ClassCastException e) {
      throw Invalid.field("body", "must be a JSON object");
    }
  }

  public JsonObject json() {
    return json;
  }

  private String name(String field) {
    return path + field;
  }

  private KvsException invalid(String field, String what) {
    return Invalid.field(name(field), what);
  }

  public boolean has(String field) {
    return json.getValue(field) != null;
  }

  public String string(String field, int min, int max, Pattern pattern, boolean required) {
    Object v = json.getValue(field);
    if (v == null) {
      if (required) {
        throw invalid(field, "is required");
      }
      return null;
    }
    if (!(v instanceof String s)) {
      throw invalid(field, "must be a string");
    }
    return check(field, s, min, max, pattern);
  }

  private String check(String field, String s, int min, int max, Pattern pattern) {
    int len = s.codePointCount(0, s.length());
    if (len < min || len > max) {
      throw invalid(field, "must have length between " + min + " and " + max);
    }
    if (pattern != null && !pattern.matcher(s).matches()) {
      throw invalid(field, "must satisfy regular expression pattern: " + pattern.pattern());
    }
    return s;
  }

  /** A whole JSON number within {@code [min, max]}. */
  public Long integer(String field, long min, long max, boolean required) {
    Object v = json.getValue(field);
    if (v == null) {
      if (required) {
        throw invalid(field, "is required");
      }
      return null;
    }
    if (!(v instanceof Number n) || !Double.isFinite(n.doubleValue()) || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw invalid(field, "must be an integer");
    }
    if (n.doubleValue() < min || n.doubleValue() > max) {
      throw invalid(field, "must have value between " + min + " and " + max);
    }
    return n.longValue();
  }

  /** As {@link #integer} for members that fit an int. */
  public Integer intValue(String field, int min, int max, boolean required) {
    Long l = integer(field, min, max, required);
    return l == null ? null : l.intValue();
  }

  /** A rest-json timestamp (epoch seconds, possibly fractional; docs/wire-protocol.md §0) in epoch ms. */
  public Long timestampMillis(String field, boolean required) {
    Object v = json.getValue(field);
    if (v == null) {
      if (required) {
        throw invalid(field, "is required");
      }
      return null;
    }
    if (!(v instanceof Number n) || !Double.isFinite(n.doubleValue()) || Math.abs(n.doubleValue()) > MAX_SECONDS) {
      throw invalid(field, "must be a timestamp in epoch seconds");
    }
    return Math.round(n.doubleValue() * 1000.0);
  }

  public String enumValue(String field, Set<String> allowed, boolean required) {
    String s = string(field, 1, 64, null, required);
    if (s != null && !allowed.contains(s)) {
      throw invalid(field, "must satisfy enum value set: [" + String.join(", ", new TreeSet<>(allowed)) + "]");
    }
    return s;
  }

  /** An enum member whose wire values are the constant names of {@code type}. */
  public <E extends Enum<E>> E enumOf(String field, Class<E> type, boolean required) {
    Set<String> names = new TreeSet<>();
    for (E e : type.getEnumConstants()) {
      names.add(e.name());
    }
    String s = enumValue(field, names, required);
    return s == null ? null : Enum.valueOf(type, s);
  }

  /** A nested structure, read with the same grammar and its path as a prefix; null when absent and optional. */
  public Fields object(String field, boolean required) {
    Object v = json.getValue(field);
    if (v == null) {
      if (required) {
        throw invalid(field, "is required");
      }
      return null;
    }
    if (!(v instanceof JsonObject o)) {
      throw invalid(field, "must be a structure");
    }
    return new Fields(o, name(field) + ".");
  }

  /** A list of {@code min}..{@code max} members; null when absent and optional. */
  public JsonArray array(String field, int min, int max, boolean required) {
    Object v = json.getValue(field);
    if (v == null) {
      if (required) {
        throw invalid(field, "is required");
      }
      return null;
    }
    if (!(v instanceof JsonArray a)) {
      throw invalid(field, "must be a list");
    }
    if (a.size() < min || a.size() > max) {
      throw invalid(field, "must have length between " + min + " and " + max);
    }
    return a;
  }

  /** A list of strings, each {@code itemMin}..{@code itemMax} long and matching {@code pattern}. */
  public List<String> strings(String field, int min, int max, int itemMin, int itemMax, Pattern pattern) {
    JsonArray a = array(field, min, max, true);
    List<String> out = new ArrayList<>(a.size());
    for (Object item : a) {
      if (!(item instanceof String s)) {
        throw invalid(field, "must be a list of strings");
      }
      out.add(check(field + ".member", s, itemMin, itemMax, pattern));
    }
    return out;
  }

  /**
   * StreamName or StreamARN, exactly one (docs/wire-protocol.md §0 "Stream identity"); each checked
   * against the model, an ARN must be a stream ARN.
   */
  public StreamRef stream() {
    String name = string("StreamName", 1, StreamRules.NAME_MAX, StreamRules.NAME, false);
    String arn = string("StreamARN", 1, StreamArn.MAX_LENGTH, StreamArn.RESOURCE, false);
    return StreamRef.of(name, arn);
  }

  /**
   * A map of tags (CreateStream, TagStream): 1–50 entries, key 1–128, value 0–256, no {@code aws:} keys.
   * A refusal names the map's {@code key} or {@code value} member (the model's map members), never the
   * key the client sent: that is client text of any length.
   */
  public Map<String, String> tagMap(String field, boolean required) {
    Fields o = object(field, required);
    if (o == null) {
      return null;
    }
    if (o.json.size() < 1 || o.json.size() > StreamRules.MAX_TAGS) {
      throw invalid(field, "must have between 1 and " + StreamRules.MAX_TAGS + " entries");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : o.json) {
      if (!(e.getValue() instanceof String v)) {
        throw invalid(field + ".value", "must be a string");
      }
      out.put(tagKey(field + ".key", e.getKey()), check(field + ".value", v, 0, StreamRules.TAG_VALUE_MAX,
          StreamRules.TAG_TEXT));
    }
    return out;
  }

  /** A list of {Key, Value} tags (TagResource): 1–50 entries. */
  public Map<String, String> tagList(String field) {
    JsonArray a = array(field, 1, StreamRules.MAX_TAGS, true);
    Map<String, String> out = new LinkedHashMap<>();
    for (Object item : a) {
      if (!(item instanceof JsonObject t)) {
        throw invalid(field, "must be a list of {Key, Value} structures");
      }
      Fields f = new Fields(t, name(field) + ".member.");
      String key = f.tagKey("Key", f.string("Key", 1, StreamRules.TAG_KEY_MAX, StreamRules.TAG_TEXT, true));
      out.put(key, f.string("Value", 0, StreamRules.TAG_VALUE_MAX, StreamRules.TAG_TEXT, true));
    }
    return out;
  }

  /** A list of tag keys (UntagStream, UntagResource): 1–50 entries. */
  public List<String> tagKeys(String field) {
    return strings(field, 1, StreamRules.MAX_TAGS, 1, StreamRules.TAG_KEY_MAX, StreamRules.TAG_TEXT);
  }

  private String tagKey(String field, String key) {
    check(field, key, 1, StreamRules.TAG_KEY_MAX, StreamRules.TAG_TEXT);
    if (key.startsWith(StreamRules.RESERVED_TAG_PREFIX)) {
      throw invalid(field, "must not start with " + StreamRules.RESERVED_TAG_PREFIX);
    }
    return key;
  }
}
