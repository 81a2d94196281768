package io.vidlog.producer;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One HTTP/1.1 connection over a plain socket or {@link javax.net.ssl.SSLSocket}, one request at a
 * time, whose request body may be streamed (chunked) while the response is read on another thread.
 *
 * <p>Why not {@code java.net.http.HttpClient}: PutMedia is full duplex. The service answers
 * {@code 200} and streams acknowledgements while the MKV body is still being uploaded, for as long as
 * the camera runs (docs/wire-protocol.md §1.3), and a producer must read them then: they release its
 * buffer and tell it when to resend. The JDK 17 HttpClient, over HTTP/1.1, completes the response
 * only after the request body publisher has completed (checked: a response sent while a streamed body
 * was still open was not delivered until the body ended), so the acks would arrive when the upload
 * ends. A socket gives both directions at once: the sender thread writes chunks, the ack thread reads
 * the response (JSSE allows one reader and one writer on an SSLSocket concurrently).
 * {@code HttpTransportTest} checks that a response arrives before the request body ends.
 */
final class HttpConnection implements Closeable {
  private final Socket socket;
  private final OutputStream out;
  private final String hostHeader;
  private final ResponseStream response;
  private volatile boolean closed;

  private HttpConnection(Socket socket, String hostHeader) throws IOException {
    this.socket = socket;
    this.out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
    this.hostHeader = hostHeader;
    this.response = new ResponseStream(socket.getInputStream());
  }

  /** Connects to the scheme, host and port of {@code base} ({@code http} or {@code https}). */
  static HttpConnection open(URI base, Tls tls, Duration connectTimeout) {
    String scheme = base.getScheme() == null ? "" : base.getScheme().toLowerCase(java.util.Locale.ROOT);
    boolean https = scheme.equals("https");
    if (!https && !scheme.equals("http")) {
      throw new IllegalArgumentException("endpoint " + base + ": the scheme must be https or http");
    }
    String host = base.getHost();
    if (host == null) {
      throw new IllegalArgumentException("endpoint " + base + " has no host");
    }
    int port = base.getPort() > 0 ? base.getPort() : https ? 443 : 80;
    int timeout = (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis());
    Socket plain = new Socket();
    try {
      plain.setTcpNoDelay(true); // frames and acks are small and latency matters more than packets
      plain.connect(new InetSocketAddress(host, port), timeout);
      plain.setSoTimeout(timeout);
      Socket s = https ? tls.wrap(plain, host, port) : plain;
      String hostHeader = base.getPort() > 0 ? hostForHeader(host) + ":" + port : hostForHeader(host);
      return new HttpConnection(s, hostHeader);
    } catch (IOException e) {
      closeQuietly(plain);
      throw new ConnectionException("cannot connect to " + scheme + "://" + host + ":" + port + ": " + describe(e), e);
    }
  }

  private static String hostForHeader(String host) {
    return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  static String describe(IOException e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m != null ? ": " + m : "");
  }

  /** The {@code Host} header value (what SigV4 signs as {@code host}). */
  String hostHeader() {
    return hostHeader;
  }

  /** Sets how long a read may block (0: for ever). */
  void readTimeout(Duration d) {
    try {
      socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, d.toMillis()));
    } catch (IOException e) {
      throw new ConnectionException("connection to " + hostHeader + " unusable: " + describe(e), e);
    }
  }

  /** Writes a whole request with a {@code Content-Length} body and flushes it. */
  void send(String method, String target, Map<String, String> headers, byte[] body) throws IOException {
    writeHead(method, target, headers, "Content-Length: " + body.length);
    out.write(body);
    out.flush();
  }

  /** Writes a request head announcing a chunked body; follow with {@link #writeChunk} and {@link #endChunks}. */
  void startChunked(String method, String target, Map<String, String> headers) throws IOException {
    writeHead(method, target, headers, "Transfer-Encoding: chunked");
    out.flush();
  }

  private void writeHead(String method, String target, Map<String, String> headers, String framing)
      throws IOException {
    StringBuilder b = new StringBuilder(512);
    b.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
    boolean hasHost = false;
    for (Map.Entry<String, String> h : headers.entrySet()) {
      String v = h.getValue();
      if (v.indexOf('\r') >= 0 || v.indexOf('\n') >= 0 || h.getKey().indexOf(':') >= 0) {
        throw new IllegalArgumentException("header " + h.getKey() + " holds a line break or colon");
      }
      hasHost |= h.getKey().equalsIgnoreCase("host");
      b.append(h.getKey()).append(": ").append(v).append("\r\n");
    }
    if (!hasHost) {
      b.append("Host: ").append(hostHeader).append("\r\n");
    }
    b.append(framing).append("\r\n\r\n");
    out.write(b.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** One chunk (RFC 9112 §7.1), buffered; nothing is written for an empty slice (that would end the body). */
  void writeChunk(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return;
    }
    out.write((Integer.toHexString(len) + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(b, off, len);
    out.write('\r');
    out.write('\n');
  }

  void flush() throws IOException {
    out.flush();
  }

  /** The last chunk: the request body ends. */
  void endChunks() throws IOException {
    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** Blocks until the response head has arrived. */
  ResponseHead readHead() throws IOException {
    return response.readHead();
  }

  /** The decoded response body (after {@link #readHead}); ends with the message. */
  InputStream body() {
    return response;
  }

  boolean isClosed() {
    return closed;
  }

  /** Closes the socket; a thread blocked reading or writing on it gets an IOException. Idempotent. */
  @Override
  public void close() {
    closed = true;
    closeQuietly(socket);
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // nothing more to release
    }
  }

  /** Status line and headers (names lower-case). */
  record ResponseHead(int status, String reason, Map<String, List<String>> headers) {
    String header(String lowerName) {
      List<String> v = headers.get(lowerName);
      return v == null || v.isEmpty() ? null : v.get(0);
    }
  }

  /** The response side: socket bytes pushed through {@link HttpResponseParser}, the body pulled as a stream. */
  private static final class ResponseStream extends InputStream implements HttpResponseParser.Listener {
    private final InputStream in;
    private final byte[] buf = new byte[16 * 1024];
    private final HttpResponseParser parser = new HttpResponseParser(this);
    private ResponseHead head;
    private boolean ended;
    /** Body slices of {@code buf} not yet read: offsets and lengths, consumed before {@code buf} is refilled. */
    private int[] sliceOff = new int[16];
    private int[] sliceLen = new int[16];
    private int sliceFirst;
    private int sliceCount;

    ResponseStream(InputStream in) {
      this.in = in;
    }

    ResponseHead readHead() throws IOException {
      while (head == null) {
        fill();
      }
      return head;
    }

    @Override
    public void onHead(int status, String reason, Map<String, List<String>> headers) {
      head = new ResponseHead(status, reason, headers);
    }

    @Override
    public void onBody(byte[] b, int off, int len) {
      if (len == 0) {
        return;
      }
      if (sliceFirst + sliceCount == sliceOff.length) {
        sliceOff = java.util.Arrays.copyOf(sliceOff, sliceOff.length * 2);
        sliceLen = java.util.Arrays.copyOf(sliceLen, sliceLen.length * 2);
      }
      sliceOff[sliceFirst + sliceCount] = off;
      sliceLen[sliceFirst + sliceCount] = len;
      sliceCount++;
    }

    @Override
    public void onEnd() {
      ended = true;
    }

    private void fill() throws IOException {
      sliceFirst = 0;
      int n;
      try {
        n = in.read(buf);
      } catch (SocketTimeoutException e) {
        throw new SocketTimeoutException("no response data within the read timeout");
      }
      if (n < 0) {
        parser.endOfInput();
        return;
      }
      parser.feed(buf, 0, n);
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (head == null) {
        readHead();
      }
      while (sliceCount == 0) {
        if (ended) {
          return -1;
        }
        fill();
      }
      int n = Math.min(len, sliceLen[sliceFirst]);
      System.arraycopy(buf, sliceOff[sliceFirst], b, off, n);
      sliceOff[sliceFirst] += n;
      sliceLen[sliceFirst] -= n;
      if (sliceLen[sliceFirst] == 0) {
        sliceFirst++;
        sliceCount--;
      }
      return n;
    }
  }
}
