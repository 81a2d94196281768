package io.vidlog.ingest;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A PutMedia producer on a raw socket, for what an HTTP client library cannot do: send the body in
 * pieces while reading acks, drip bytes, stop reading acks, or shrink its receive buffer.
 */
final class RawPutMedia implements AutoCloseable {
  private final Socket socket;
  private final OutputStream out;
  private final InputStream in;
  private final ArrayDeque<JsonObject> pending = new ArrayDeque<>();
  private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
  private final Map<String, String> responseHeaders = new java.util.HashMap<>();
  private int status = -1;
  private boolean eof;

  RawPutMedia(int port, Map<String, String> headers, int receiveBuffer) throws IOException {
    socket = new Socket();
    if (receiveBuffer > 0) {
      socket.setReceiveBufferSize(receiveBuffer);
    }
    socket.connect(new java.net.InetSocketAddress("127.0.0.1", port));
    socket.setSoTimeout(30_000);
    out = socket.getOutputStream();
    in = socket.getInputStream();
    StringBuilder req = new StringBuilder("POST /putMedia HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n");
    headers.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
    out.write(req.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  static RawPutMedia open(int port, String stream) throws IOException {
    return new RawPutMedia(port, Map.of("x-amzn-stream-name", stream), 0);
  }

  /** Sends one HTTP chunk. */
  void send(byte[] bytes) throws IOException {
    send(bytes, 0, bytes.length);
  }

  void send(byte[] bytes, int off, int len) throws IOException {
    if (len == 0) {
      return;
    }
    out.write((Integer.toHexString(len) + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(bytes, off, len);
    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** Ends the chunked body. */
  void finish() throws IOException {
    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  int status() throws IOException {
    readHead();
    return status;
  }

  /** The AWS error type of a refused call ({@code x-amzn-ErrorType}), or null. */
  String errorType() throws IOException {
    readHead();
    return responseHeaders.get("x-amzn-errortype");
  }

  /** The next ack, or null at the end of the response. */
  JsonObject nextAck() throws IOException {
    readHead();
    while (pending.isEmpty() && !eof) {
      readChunk();
    }
    return pending.poll();
  }

  /** Acks until one of {@code type} (included); null if the response ended first. */
  JsonObject until(String type, List<JsonObject> seen) throws IOException {
    JsonObject a;
    while ((a = nextAck()) != null) {
      seen.add(a);
      if (type.equals(a.getString("EventType"))) {
        return a;
      }
    }
    return null;
  }

  /** Every ack until the response ends or the connection closes. */
  List<JsonObject> rest() throws IOException {
    List<JsonObject> all = new ArrayList<>();
    try {
      JsonObject a;
      while ((a = nextAck()) != null) {
        all.add(a);
      }
    } catch (java.net.SocketException e) {
      // closed by the server after its last ack
    }
    return all;
  }

  private void readHead() throws IOException {
    if (status >= 0) {
      return;
    }
    String line = line();
    status = Integer.parseInt(line.split(" ")[1]);
    for (String h = line(); h != null && !h.isEmpty(); h = line()) {
      int colon = h.indexOf(':');
      responseHeaders.put(h.substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT), h.substring(colon + 1).trim());
    }
  }

  private void readChunk() throws IOException {
    String size = line();
    if (size == null) {
      eof = true;
      return;
    }
    int n = Integer.parseInt(size.trim(), 16);
    if (n == 0) {
      eof = true;
      return;
    }
    byte[] data = in.readNBytes(n);
    line();
    for (byte b : data) {
      if (b == '\n') {
        String l = partial.toString(StandardCharsets.UTF_8);
        partial.reset();
        if (!l.isBlank()) {
          pending.add(new JsonObject(l));
        }
      } else {
        partial.write(b);
      }
    }
  }

  private String line() throws IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\n') {
        int len = sb.length();
        return len > 0 && sb.charAt(len - 1) == '\r' ? sb.substring(0, len - 1) : sb.toString();
      }
      sb.append((char) c);
    }
    return sb.length() == 0 ? null : sb.toString();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
