package io.vidlog.server.control;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vidlog.kvs.KvsError;
import io.vidlog.kvs.KvsException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Field validation of control-plane requests against the KVS model's constraints (kvs-api.md §4):
 * types, lengths, patterns, enums and ranges. Every failure is an InvalidArgumentException naming
 * the field (AWS's "1 validation error detected: Value … at 'X' failed to satisfy constraint").
 */
final class Fields {
  static final Pattern STREAM_NAME = Pattern.compile("[a-zA-Z0-9_.-]+");
  static final Pattern DEVICE_NAME = STREAM_NAME;
  static final Pattern MEDIA_TYPE = Pattern.compile("[\\w\\-.+]+/[\\w\\-.+]+(,[\\w\\-.+]+/[\\w\\-.+]+)*");
  static final Pattern VERSION = Pattern.compile("[a-zA-Z0-9]+");
  static final Pattern ARN = Pattern.compile("arn:[a-z\\d-]+:kinesisvideo:[a-z0-9-]+:[0-9]+:[a-z]+/[a-zA-Z0-9_.-]+/[0-9]+");
  static final Pattern TAG_KEY = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");
  static final Pattern TAG_VALUE = TAG_KEY;
  static final Pattern NEXT_TOKEN = Pattern.compile("[a-zA-Z0-9+/=._-]*");
  static final Pattern ANY = Pattern.compile("(?s).+");
  static final int MAX_RETENTION_HOURS = 87_600;

  private final JsonObject json;

  Fields(JsonObject json) {
    this.json = json;
  }

  String string(String field, int min, int max, Pattern pattern, boolean required) {
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

  static String check(String field, String s, int min, int max, Pattern pattern) {
    int len = s.codePointCount(0, s.length());
    if (len < min || len > max) {
      throw invalid(field, "must have length between " + min + " and " + max);
    }
    if (pattern != null && !pattern.matcher(s).matches()) {
      throw invalid(field, "must satisfy regular expression pattern: " + pattern.pattern());
    }
    return s;
  }

  Integer integer(String field, long min, long max, boolean required) {
    Object v = json.getValue(field);
    if (v == null) {
      if (required) {
        throw invalid(field, "is required");
      }
      return null;
    }
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw invalid(field, "must be an integer");
    }
    long l = n.longValue();
    if (l < min || l > max) {
      throw invalid(field, "must be between " + min + " and " + max);
    }
    return (int) l;
  }

  String enumValue(String field, Set<String> allowed, boolean required) {
    String s = string(field, 1, 64, null, required);
    if (s != null && !allowed.contains(s)) {
      throw invalid(field, "must be one of " + String.join(", ", new java.util.TreeSet<>(allowed)));
    }
    return s;
  }

  JsonObject object(String field, boolean required) {
    Object v = json.getValue(field);
    if (v == null) {
      if (required) {
        throw invalid(field, "is required");
      }
      return null;
    }
    if (!(v instanceof JsonObject o)) {
      throw invalid(field, "must be an object");
    }
    return o;
  }

  /** A map of tags (CreateStream, TagStream): 1–50 entries, key 1–128, value 0–256. */
  Map<String, String> tagMap(String field, boolean required) {
    JsonObject o = object(field, required);
    if (o == null) {
      return null;
    }
    if (o.size() < 1 || o.size() > 50) {
      throw invalid(field, "must have between 1 and 50 entries");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : o) {
      if (!(e.getValue() instanceof String v)) {
        throw invalid(field + "." + e.getKey(), "must be a string");
      }
      out.put(tagKey(field, e.getKey()), check(field + "." + e.getKey(), v, 0, 256, TAG_VALUE));
    }
    return out;
  }

  /** A list of {Key, Value} tags (TagResource): 1–50 entries. */
  Map<String, String> tagList(String field) {
    JsonArray a = array(field, 1, 50);
    Map<String, String> out = new LinkedHashMap<>();
    for (Object item : a) {
      if (!(item instanceof JsonObject t)) {
        throw invalid(field, "must be a list of {Key, Value} objects");
      }
      Fields f = new Fields(t);
      String key = f.string("Key", 1, 128, TAG_KEY, true);
      String value = f.string("Value", 0, 256, TAG_VALUE, true);
      if (key.startsWith("aws:")) {
        throw invalid(field + ".Key", "must not start with aws:");
      }
      out.put(key, value);
    }
    return out;
  }

  /** A list of tag keys (UntagStream, UntagResource): 1–50 entries. */
  List<String> tagKeys(String field) {
    JsonArray a = array(field, 1, 50);
    List<String> out = new ArrayList<>();
    for (Object item : a) {
      if (!(item instanceof String k)) {
        throw invalid(field, "must be a list of strings");
      }
      out.add(check(field + " member", k, 1, 128, TAG_KEY));
    }
    return out;
  }

  private JsonArray array(String field, int min, int max) {
    Object v = json.getValue(field);
    if (v == null) {
      throw invalid(field, "is required");
    }
    if (!(v instanceof JsonArray a)) {
      throw invalid(field, "must be a list");
    }
    if (a.size() < min || a.size() > max) {
      throw invalid(field, "must have between " + min + " and " + max + " members");
    }
    return a;
  }

  private static String tagKey(String field, String key) {
    check(field + " key", key, 1, 128, TAG_KEY);
    if (key.startsWith("aws:")) {
      throw invalid(field + " key", "must not start with aws:");
    }
    return key;
  }

  static KvsException invalid(String field, String what) {
    return KvsError.INVALID_ARGUMENT.exception("1 validation error detected: Value at '" + field
        + "' failed to satisfy constraint: Member " + what);
  }
}
