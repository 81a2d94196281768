package io.vidlog.producer;

import java.util.OptionalLong;

/**
 * One PutMedia acknowledgement (docs/wire-protocol.md §1.3), one flat JSON object per line.
 *
 * @param fragmentTimecode the fragment's Cluster Timecode as the producer sent it (absolute
 *     milliseconds for this SDK), absent on IDLE and on connection-level errors
 * @param fragmentNumber null when absent
 * @param errorId 0 unless {@code type} is ERROR
 * @param errorCode null unless {@code type} is ERROR
 * @param eventType the EventType text as received (differs from {@code type.name()} only for UNKNOWN)
 */
public record Ack(AckType type, OptionalLong fragmentTimecode, String fragmentNumber, int errorId,
    String errorCode, String eventType) {

  public boolean isError() {
    return type == AckType.ERROR;
  }

  /**
   * Whether the ERROR means "try again on a new connection" rather than "this data is refused": the
   * service's own faults (5xxx) and a connection that broke or was superseded (4000).
   */
  public boolean isRetriableError() {
    return errorId == 4000 || errorId == 4003 || (errorId >= 5000 && errorId < 6000);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder(eventType);
    fragmentTimecode.ifPresent(t -> b.append(" timecode=").append(t));
    if (fragmentNumber != null) {
      b.append(" fragment=").append(fragmentNumber);
    }
    if (type == AckType.ERROR) {
      b.append(" error=").append(errorId).append(' ').append(errorCode);
    }
    return b.toString();
  }
}
