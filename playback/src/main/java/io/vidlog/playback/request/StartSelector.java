package io.vidlog.playback.request;

import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.kvs.Invalid;
import io.vidlog.kvs.StreamRules;
import io.vidlog.kvs.http.Fields;

/**
 * GetMedia's {@code StartSelector} (docs/wire-protocol.md §2), validated: the members each type needs
 * are present and well-formed. Members the type does not use are ignored, as the service does.
 *
 * @param afterFragmentNumber FRAGMENT_NUMBER: stream the chunk after this one
 * @param startTimestampMillis SERVER_/PRODUCER_TIMESTAMP: stream from the chunk containing it
 * @param continuationToken CONTINUATION_TOKEN: resume after the chunk this token closed
 */
public record StartSelector(Type type, FragmentNumber afterFragmentNumber, Long startTimestampMillis,
    String continuationToken) {

  /** StartSelectorType values. */
  public enum Type { FRAGMENT_NUMBER, SERVER_TIMESTAMP, PRODUCER_TIMESTAMP, NOW, EARLIEST, CONTINUATION_TOKEN }

  static StartSelector parse(Fields f) {
    Type type = f.enumOf("StartSelectorType", Type.class, true);
    return switch (type) {
      case FRAGMENT_NUMBER -> {
        String after = f.string("AfterFragmentNumber", 1, 128, StreamRules.FRAGMENT_NUMBER, true);
        yield new StartSelector(type, FragmentNumber.parse(after), null, null);
      }
      case SERVER_TIMESTAMP, PRODUCER_TIMESTAMP ->
          new StartSelector(type, null, f.timestampMillis("StartTimestamp", true), null);
      case CONTINUATION_TOKEN -> {
        String token = f.string("ContinuationToken", 1, 128, StreamRules.CONTINUATION_TOKEN, true);
        if (!StreamRules.FRAGMENT_NUMBER.matcher(token).matches()) {
          // vidlog's tokens are fragment numbers; anything else was not issued by us.
          throw Invalid.field("StartSelector.ContinuationToken", "must be a token this service issued");
        }
        yield new StartSelector(type, FragmentNumber.parse(token), null, token);
      }
      case NOW, EARLIEST -> new StartSelector(type, null, null, null);
    };
  }
}
