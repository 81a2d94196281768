package io.vidlog.playback.request;

import io.vertx.core.json.JsonObject;
import io.vidlog.fragmentstore.FragmentNumber;
import java.util.regex.Pattern;

/**
 * GetMedia's {@code StartSelector} (kvs-api.md §2), validated: the fields each type needs are
 * present and well-formed. Fields the type does not use are ignored, as the service does.
 *
 * @param afterFragmentNumber FRAGMENT_NUMBER: stream the chunk after this one
 * @param startTimestampMillis SERVER_/PRODUCER_TIMESTAMP: stream from the chunk containing it
 * @param continuationToken CONTINUATION_TOKEN: resume after the chunk this token closed
 */
public record StartSelector(Type type, FragmentNumber afterFragmentNumber, Long startTimestampMillis,
    String continuationToken) {

  private static final Pattern TOKEN = Pattern.compile("[a-zA-Z0-9_.-]{1,128}");

  /** StartSelectorType values. */
  public enum Type { FRAGMENT_NUMBER, SERVER_TIMESTAMP, PRODUCER_TIMESTAMP, NOW, EARLIEST, CONTINUATION_TOKEN }

  static StartSelector parse(JsonObject json) {
    if (json == null) {
      throw JsonFields.invalid("StartSelector is required");
    }
    String typeName = JsonFields.string(json, "StartSelectorType");
    if (typeName == null) {
      throw JsonFields.invalid("StartSelector.StartSelectorType is required");
    }
    Type type;
    try {
      type = Type.valueOf(typeName);
    } catch (IllegalArgumentException e) {
      throw JsonFields.invalid("StartSelectorType must be one of FRAGMENT_NUMBER, SERVER_TIMESTAMP, "
          + "PRODUCER_TIMESTAMP, NOW, EARLIEST, CONTINUATION_TOKEN");
    }
    return switch (type) {
      case FRAGMENT_NUMBER -> {
        String after = JsonFields.string(json, "AfterFragmentNumber");
        if (after == null || !FragmentNumber.isValid(after)) {
          throw JsonFields.invalid("AfterFragmentNumber must be 1-128 digits with StartSelectorType FRAGMENT_NUMBER");
        }
        yield new StartSelector(type, FragmentNumber.parse(after), null, null);
      }
      case SERVER_TIMESTAMP, PRODUCER_TIMESTAMP -> {
        Long ts = JsonFields.timestampMillis(json, "StartTimestamp");
        if (ts == null) {
          throw JsonFields.invalid("StartTimestamp is required with StartSelectorType " + type);
        }
        yield new StartSelector(type, null, ts, null);
      }
      case CONTINUATION_TOKEN -> {
        String token = JsonFields.string(json, "ContinuationToken");
        if (token == null || !TOKEN.matcher(token).matches()) {
          throw JsonFields.invalid("ContinuationToken must be 1-128 characters of [a-zA-Z0-9_.-]");
        }
        if (!FragmentNumber.isValid(token)) {
          // vidlog's tokens are fragment numbers; anything else was not issued by us.
          throw JsonFields.invalid("ContinuationToken was not issued by this service");
        }
        yield new StartSelector(type, FragmentNumber.parse(token), null, token);
      }
      case NOW, EARLIEST -> new StartSelector(type, null, null, null);
    };
  }
}
