package io.vidlog.ingest;

import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.kvs.AckError;

/**
 * One PutMedia acknowledgement, rendered as the flat JSON line KVS sends (docs/wire-protocol.md §1.3):
 * {@code {"EventType":"PERSISTED","FragmentTimecode":0,"FragmentNumber":"1"}}, ERROR adding
 * {@code "ErrorId"} and {@code "ErrorCode"}. {@code fragmentTimecode} echoes the Cluster Timecode as
 * sent; it and {@code number} are null when unknown (IDLE, or an error before any fragment).
 */
public record AckEvent(Type type, Long fragmentTimecode, FragmentNumber number, AckError error) {

  /** KVS ack event types. */
  public enum Type { BUFFERING, RECEIVED, PERSISTED, ERROR, IDLE }

  /** KVS clients read at most 1024 characters per ack (PIC AckParser). */
  public static final int MAX_LINE = 1024;

  public static AckEvent of(Type type, long timecode, FragmentNumber number) {
    return new AckEvent(type, timecode, number, null);
  }

  public static AckEvent error(AckError error, Long timecode, FragmentNumber number) {
    return new AckEvent(Type.ERROR, timecode, number, error);
  }

  public static AckEvent idle() {
    return new AckEvent(Type.IDLE, null, null, null);
  }

  /** The JSON object followed by a newline; values are digits or fixed ASCII names, so nothing needs escaping. */
  public String toLine() {
    StringBuilder sb = new StringBuilder(160).append("{\"EventType\":\"").append(type.name()).append('"');
    if (fragmentTimecode != null) {
      sb.append(",\"FragmentTimecode\":").append(fragmentTimecode.longValue());
    }
    if (number != null) {
      sb.append(",\"FragmentNumber\":\"").append(number.value()).append('"');
    }
    if (error != null) {
      sb.append(",\"ErrorId\":").append(error.id()).append(",\"ErrorCode\":\"").append(error.code()).append('"');
    }
    return sb.append("}\n").toString();
  }
}
