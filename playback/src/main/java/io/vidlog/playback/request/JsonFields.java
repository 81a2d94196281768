package io.vidlog.playback.request;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vidlog.kvs.KvsError;
import io.vidlog.kvs.KvsException;
import io.vidlog.fragmentstore.streams.StreamRef;
import java.util.regex.Pattern;

/** Typed reads of rest-json request members; a wrong type or value is an InvalidArgumentException (kvs-api.md §0). */
final class JsonFields {
  private static final Pattern STREAM_NAME = Pattern.compile("[a-zA-Z0-9_.-]{1,256}");
  /** Epoch seconds far enough either way to cover any timestamp a producer can send. */
  private static final double MAX_SECONDS = 1e11;

  private JsonFields() {}

  static KvsException invalid(String message) {
    return KvsError.INVALID_ARGUMENT.exception(message);
  }

  static String string(JsonObject json, String name) {
    Object v = json.getValue(name);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s)) {
      throw invalid(name + " must be a string");
    }
    return s;
  }

  static JsonObject object(JsonObject json, String name) {
    Object v = json.getValue(name);
    if (v == null) {
      return null;
    }
    if (!(v instanceof JsonObject o)) {
      throw invalid(name + " must be an object");
    }
    return o;
  }

  static JsonArray array(JsonObject json, String name) {
    Object v = json.getValue(name);
    if (v == null) {
      return null;
    }
    if (!(v instanceof JsonArray a)) {
      throw invalid(name + " must be a list");
    }
    return a;
  }

  static Long integer(JsonObject json, String name) {
    Object v = json.getValue(name);
    if (v == null) {
      return null;
    }
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw invalid(name + " must be an integer");
    }
    return n.longValue();
  }

  /** A rest-json timestamp: epoch seconds as a (possibly fractional) JSON number, returned in ms. */
  static Long timestampMillis(JsonObject json, String name) {
    Object v = json.getValue(name);
    if (v == null) {
      return null;
    }
    if (!(v instanceof Number n) || !Double.isFinite(n.doubleValue()) || Math.abs(n.doubleValue()) > MAX_SECONDS) {
      throw invalid(name + " must be a timestamp in epoch seconds");
    }
    return Math.round(n.doubleValue() * 1000.0);
  }

  /** StreamName or StreamARN, exactly one (kvs-api.md §0 "Stream identity"). */
  static StreamRef stream(JsonObject json) {
    String name = string(json, "StreamName");
    String arn = string(json, "StreamARN");
    if (name != null && !name.isEmpty() && !STREAM_NAME.matcher(name).matches()) {
      throw invalid("StreamName must be 1-256 characters of [a-zA-Z0-9_.-]");
    }
    if (arn != null && arn.length() > 1024) {
      throw invalid("StreamARN must be at most 1024 characters");
    }
    return StreamRef.of(name, arn);
  }
}
