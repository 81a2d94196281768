package io.vidlog.producer;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * Push-driven reader of the PutMedia acknowledgement stream (docs/wire-protocol.md §1.3): one flat JSON
 * object per line. Feed the decoded response body in slices of any size; each complete line becomes an
 * {@link Ack}. Unknown keys are ignored and an unknown EventType is kept as {@link AckType#UNKNOWN}
 * (KVS may add both); blank lines are skipped. A line that is not a JSON object with a string
 * EventType, or that is longer than {@link #MAX_LINE}, is a {@link ConnectionException} with the
 * offset, after which the parser refuses more input: the stream is not what the API sends.
 */
final class AckParser {
  /** Acks are well under 1 KB (docs/wire-protocol.md §1.3); this bounds the memory a broken stream can take. */
  static final int MAX_LINE = 16 * 1024;

  private enum State { LINE, FAILED }

  private final Consumer<Ack> sink;
  private State state = State.LINE;
  private byte[] line = new byte[256];
  private int length;
  private long offset;
  private long lineStart;

  AckParser(Consumer<Ack> sink) {
    this.sink = sink;
  }

  void feed(byte[] b, int off, int len) {
    switch (state) {
      case FAILED -> throw new ConnectionException("ack stream already failed");
      case LINE -> {
        int end = off + len;
        for (int p = off; p < end; p++) {
          byte c = b[p];
          offset++;
          if (c == '\n') {
            lineDone();
          } else {
            append(c);
          }
        }
      }
      default -> throw new IllegalStateException(state.toString());
    }
  }

  /** The stream ended: a last line without its newline still counts (a server may end without one). */
  void end() {
    if (state == State.LINE && length > 0) {
      lineDone();
    }
  }

  private void append(byte c) {
    if (length == MAX_LINE) {
      fail("an ack line longer than " + MAX_LINE + " bytes");
    }
    if (length == line.length) {
      line = java.util.Arrays.copyOf(line, Math.min(MAX_LINE, line.length * 2));
    }
    line[length++] = c;
  }

  private void lineDone() {
    String text = new String(line, 0, length, StandardCharsets.UTF_8).strip();
    length = 0;
    long at = lineStart;
    lineStart = offset;
    if (text.isEmpty()) {
      return;
    }
    Ack ack;
    try {
      ack = parse(text);
    } catch (IllegalArgumentException e) {
      lineStart = at;
      fail(e.getMessage() + ": " + HttpResponseParser.printable(text));
      return;
    }
    sink.accept(ack);
  }

  private void fail(String why) {
    state = State.FAILED;
    throw new ConnectionException("not a PutMedia acknowledgement at byte " + lineStart + " of the ack stream: " + why);
  }

  /** One ack line; IllegalArgumentException when it is not one. */
  static Ack parse(String text) {
    Map<String, Object> doc = Json.parseObject(text);
    Object type = doc.get("EventType");
    if (!(type instanceof String eventType)) {
      throw new IllegalArgumentException("no EventType string");
    }
    AckType t;
    try {
      t = AckType.valueOf(eventType);
    } catch (IllegalArgumentException e) {
      t = AckType.UNKNOWN;
    }
    OptionalLong timecode = OptionalLong.empty();
    if (doc.get("FragmentTimecode") instanceof BigDecimal d) {
      try {
        timecode = OptionalLong.of(d.longValueExact());
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException("FragmentTimecode is not a 64-bit integer", e);
      }
    }
    String number = doc.get("FragmentNumber") instanceof String s ? s : null;
    int errorId = 0;
    if (doc.get("ErrorId") instanceof BigDecimal d) {
      try {
        errorId = d.intValueExact();
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException("ErrorId is not an integer", e);
      }
    }
    String errorCode = doc.get("ErrorCode") instanceof String s ? s : null;
    if (t == AckType.ERROR && errorId == 0) {
      throw new IllegalArgumentException("an ERROR ack without ErrorId");
    }
    return new Ack(t, timecode, number, errorId, errorCode, eventType);
  }
}
