package io.vidlog.producer;

import java.time.Instant;
import java.util.Objects;

/**
 * Where a {@link StreamReader} without a checkpoint starts (the GetMedia start selectors of
 * docs/wire-protocol.md §2). With a checkpoint it always resumes from the checkpoint.
 *
 * @param time for the two timestamp types, else null
 * @param fragmentNumber for {@link Type#AFTER_FRAGMENT}, else null
 */
public record StartPosition(Type type, Instant time, String fragmentNumber) {

  public enum Type { NOW, EARLIEST, PRODUCER_TIMESTAMP, SERVER_TIMESTAMP, AFTER_FRAGMENT }

  public StartPosition {
    Objects.requireNonNull(type, "type");
    if ((type == Type.PRODUCER_TIMESTAMP || type == Type.SERVER_TIMESTAMP) && time == null) {
      throw new IllegalArgumentException(type + " needs a time");
    }
    if (type == Type.AFTER_FRAGMENT && fragmentNumber == null) {
      throw new IllegalArgumentException(type + " needs a fragment number");
    }
  }

  /** The next fragment to start after the request. */
  public static StartPosition now() {
    return new StartPosition(Type.NOW, null, null);
  }

  /** The oldest fragment still stored. */
  public static StartPosition earliest() {
    return new StartPosition(Type.EARLIEST, null, null);
  }

  /** The fragment whose producer time span holds {@code t}, else the first after it. */
  public static StartPosition producerTimestamp(Instant t) {
    return new StartPosition(Type.PRODUCER_TIMESTAMP, t, null);
  }

  /** The fragment whose server time span holds {@code t}, else the first after it. */
  public static StartPosition serverTimestamp(Instant t) {
    return new StartPosition(Type.SERVER_TIMESTAMP, t, null);
  }

  /** The first fragment numbered after {@code number}. */
  public static StartPosition afterFragment(String number) {
    return new StartPosition(Type.AFTER_FRAGMENT, null, number);
  }
}
