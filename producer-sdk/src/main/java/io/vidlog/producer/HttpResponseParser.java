package io.vidlog.producer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Push-driven HTTP/1.1 response parser (RFC 9112): feed it the bytes of a connection in slices of any
 * size and it reports the head, the decoded body bytes and the end of the message. Bodies framed by
 * {@code Transfer-Encoding: chunked} (§7.1), {@code Content-Length} (§6.2) or the connection's end
 * (§6.3) are decoded; interim 1xx responses are skipped. Lines are bounded (8 KB), so are the header
 * count (100) and chunk sizes; anything else is a {@link ConnectionException} naming the offset.
 * Not thread-safe.
 */
final class HttpResponseParser {
  static final int MAX_LINE = 8 * 1024;
  static final int MAX_HEADERS = 100;

  /** What the parser finds. Body slices are views of the fed array, valid during the call. */
  interface Listener {
    void onHead(int status, String reason, Map<String, List<String>> headers);

    void onBody(byte[] b, int off, int len);

    void onEnd();
  }

  private enum State { STATUS_LINE, HEADER_LINE, BODY_FIXED, CHUNK_SIZE, CHUNK_DATA, CHUNK_DATA_END, TRAILER, BODY_TO_CLOSE, DONE, FAILED }

  private final Listener listener;
  private final boolean headRequest;
  private State state = State.STATUS_LINE;
  private final StringBuilder line = new StringBuilder();
  private int status;
  private String reason;
  private Map<String, List<String>> headers = new LinkedHashMap<>();
  private int headerCount;
  private long remaining;
  private long offset;
  /** Where the line being read started: line errors name it. */
  private long lineStart;
  private boolean inLine;

  HttpResponseParser(Listener listener) {
    this(listener, false);
  }

  /** {@code headRequest}: the response to HEAD has no body whatever its headers say. */
  HttpResponseParser(Listener listener, boolean headRequest) {
    this.listener = listener;
    this.headRequest = headRequest;
  }

  boolean isDone() {
    return state == State.DONE;
  }

  /** Consumes {@code len} bytes. Bytes after the end of the message are an error (this client sends one request per connection at a time). */
  void feed(byte[] b, int off, int len) {
    int end = off + len;
    int p = off;
    try {
      while (p < end) {
        switch (state) {
          case STATUS_LINE, HEADER_LINE, CHUNK_SIZE, CHUNK_DATA_END, TRAILER -> {
            if (line.length() == 0) {
              lineStart = offset;
            }
            int nl = indexOf(b, p, end, (byte) '\n');
            int stop = nl < 0 ? end : nl;
            appendLine(b, p, stop);
            offset += stop - p;
            p = stop;
            if (nl >= 0) {
              p++;
              offset++;
              lineDone(stripCr());
            }
          }
          case BODY_FIXED, CHUNK_DATA -> {
            int n = (int) Math.min(remaining, end - p);
            listener.onBody(b, p, n);
            p += n;
            offset += n;
            remaining -= n;
            if (remaining == 0) {
              if (state == State.BODY_FIXED) {
                finish();
              } else {
                state = State.CHUNK_DATA_END;
              }
            }
          }
          case BODY_TO_CLOSE -> {
            listener.onBody(b, p, end - p);
            offset += end - p;
            p = end;
          }
          case DONE -> throw error("bytes after the end of the response");
          case FAILED -> throw new ConnectionException("response parser used after a failure");
          default -> throw new IllegalStateException(state.toString());
        }
      }
    } catch (ConnectionException e) {
      state = State.FAILED;
      throw e;
    }
  }

  /** The connection ended: completes a body framed by the close, else fails when the message is incomplete. */
  void endOfInput() {
    if (state == State.BODY_TO_CLOSE) {
      finish();
    } else if (state != State.DONE) {
      State was = state;
      state = State.FAILED;
      throw new ConnectionException("connection closed " + (was == State.STATUS_LINE && offset == 0
          ? "before any response" : "in the middle of the response (" + describe(was) + ", after " + offset + " bytes)"));
    }
  }

  private static String describe(State s) {
    return switch (s) {
      case STATUS_LINE, HEADER_LINE -> "in the head";
      case TRAILER -> "in the trailer";
      default -> "in the body";
    };
  }

  private void lineDone(String text) {
    line.setLength(0);
    inLine = true;
    try {
      lineDone0(text);
    } finally {
      inLine = false;
    }
  }

  private void lineDone0(String text) {
    switch (state) {
      case STATUS_LINE -> statusLine(text);
      case HEADER_LINE -> headerLine(text);
      case CHUNK_SIZE -> chunkSize(text);
      case CHUNK_DATA_END -> {
        if (!text.isEmpty()) {
          throw error("chunk data longer than its size");
        }
        state = State.CHUNK_SIZE;
      }
      case TRAILER -> {
        if (text.isEmpty()) {
          finish();
        }
      }
      default -> throw new IllegalStateException(state.toString());
    }
  }

  private void statusLine(String text) {
    // status-line = HTTP-version SP status-code SP [ reason-phrase ] (RFC 9112 §4)
    if (!text.startsWith("HTTP/1.") || text.length() < 12 || text.charAt(8) != ' ') {
      throw error("not an HTTP/1.x status line: " + printable(text));
    }
    String code = text.substring(9, 12);
    if (!code.chars().allMatch(Character::isDigit) || (text.length() > 12 && text.charAt(12) != ' ')) {
      throw error("bad status code in: " + printable(text));
    }
    status = Integer.parseInt(code);
    reason = text.length() > 13 ? text.substring(13) : "";
    headers = new LinkedHashMap<>();
    headerCount = 0;
    state = State.HEADER_LINE;
  }

  private void headerLine(String text) {
    if (text.isEmpty()) {
      headersDone();
      return;
    }
    if (++headerCount > MAX_HEADERS) {
      throw error("more than " + MAX_HEADERS + " header fields");
    }
    int colon = text.indexOf(':');
    if (colon <= 0 || text.charAt(colon - 1) == ' ') {
      throw error("malformed header field: " + printable(text));
    }
    String name = text.substring(0, colon).toLowerCase(Locale.ROOT);
    headers.computeIfAbsent(name, k -> new ArrayList<>()).add(text.substring(colon + 1).strip());
  }

  private void headersDone() {
    if (status >= 100 && status < 200) {
      state = State.STATUS_LINE; // interim response: the real one follows
      return;
    }
    listener.onHead(status, reason, headers);
    List<String> te = headers.get("transfer-encoding");
    List<String> cl = headers.get("content-length");
    if (headRequest || status == 204 || status == 304) {
      finish();
    } else if (te != null && String.join(",", te).toLowerCase(Locale.ROOT).strip().endsWith("chunked")) {
      state = State.CHUNK_SIZE;
    } else if (cl != null) {
      try {
        remaining = Long.parseLong(cl.get(0).strip());
      } catch (NumberFormatException e) {
        throw error("bad Content-Length: " + printable(cl.get(0)));
      }
      if (remaining < 0) {
        throw error("negative Content-Length");
      }
      if (remaining == 0) {
        finish();
      } else {
        state = State.BODY_FIXED;
      }
    } else {
      state = State.BODY_TO_CLOSE;
    }
  }

  private void chunkSize(String text) {
    int semi = text.indexOf(';'); // chunk extensions are ignored (RFC 9112 §7.1.1)
    String hex = (semi >= 0 ? text.substring(0, semi) : text).strip();
    if (hex.isEmpty() || hex.length() > 15) {
      throw error("bad chunk size line: " + printable(text));
    }
    long size = 0;
    for (int i = 0; i < hex.length(); i++) {
      int d = Character.digit(hex.charAt(i), 16);
      if (d < 0) {
        throw error("bad chunk size line: " + printable(text));
      }
      size = size << 4 | d;
    }
    if (size == 0) {
      state = State.TRAILER;
    } else {
      remaining = size;
      state = State.CHUNK_DATA;
    }
  }

  private void finish() {
    state = State.DONE;
    listener.onEnd();
  }

  private void appendLine(byte[] b, int from, int to) {
    if (line.length() + (to - from) > MAX_LINE) {
      throw error("line longer than " + MAX_LINE + " bytes");
    }
    for (int i = from; i < to; i++) {
      line.append((char) (b[i] & 0xff));
    }
  }

  private String stripCr() {
    int n = line.length();
    String s = n > 0 && line.charAt(n - 1) == '\r' ? line.substring(0, n - 1) : line.toString();
    // header values are ISO-8859-1 on the wire (RFC 9110 §5.5); re-read as UTF-8 where a server sent UTF-8
    return new String(s.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
  }

  private static int indexOf(byte[] b, int from, int to, byte v) {
    for (int i = from; i < to; i++) {
      if (b[i] == v) {
        return i;
      }
    }
    return -1;
  }

  private ConnectionException error(String what) {
    return new ConnectionException("malformed HTTP response at byte " + (inLine ? lineStart : offset) + ": " + what);
  }

  static String printable(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < Math.min(s.length(), 120); i++) {
      char c = s.charAt(i);
      b.append(c < 0x20 || c == 0x7f ? '?' : c);
    }
    return s.length() > 120 ? b.append('…').toString() : b.toString();
  }
}
