package io.vidlog.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The response parser at every split size: the same head, body and end whatever the slices. */
class HttpResponseParserTest {

  /** Records what the parser reports as one string. */
  static final class Recorder implements HttpResponseParser.Listener {
    final StringBuilder events = new StringBuilder();
    final ByteArrayOutputStream body = new ByteArrayOutputStream();

    @Override
    public void onHead(int status, String reason, Map<String, List<String>> headers) {
      events.append("head ").append(status).append(' ').append(reason).append(' ').append(headers).append('\n');
    }

    @Override
    public void onBody(byte[] b, int off, int len) {
      body.write(b, off, len);
    }

    @Override
    public void onEnd() {
      events.append("body ").append(body.toString(StandardCharsets.ISO_8859_1)).append("\nend\n");
    }
  }

  static String parse(String response, boolean endOfInput) {
    byte[] in = response.getBytes(StandardCharsets.ISO_8859_1);
    return Splits.same(in, way -> {
      Recorder r = new Recorder();
      HttpResponseParser p = new HttpResponseParser(r);
      Splits.feed(in, way, p::feed);
      if (endOfInput) {
        p.endOfInput();
      }
      return r.events.toString();
    });
  }

  @Test
  void chunkedBodyWithExtensionsAndTrailers() {
    String got = parse("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
        + "X-Amzn-RequestId: r1\r\n\r\n5;ext=1\r\nhello\r\nA\r\n, world!!!\r\n0\r\nTrailer: x\r\n\r\n", false);
    assertEquals("head 200 OK {content-type=[application/json], transfer-encoding=[chunked], x-amzn-requestid=[r1]}\n"
        + "body hello, world!!!\nend\n", got);
  }

  @Test
  void contentLengthBody() {
    assertEquals("head 404 Not Found {content-length=[7]}\nbody {\"a\":1}\nend\n",
        parse("HTTP/1.1 404 Not Found\r\nContent-Length: 7\r\n\r\n{\"a\":1}", false));
  }

  @Test
  void bodyUntilCloseAndBareLineFeeds() {
    assertEquals("head 200 OK {connection=[close]}\nbody streamed\nend\n",
        parse("HTTP/1.1 200 OK\nConnection: close\n\nstreamed", true));
  }

  @Test
  void interimResponsesAreSkipped() {
    assertEquals("head 200  {content-length=[0]}\nbody \nend\n",
        parse("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n", false));
  }

  @Test
  void malformedInputIsAConnectionExceptionNamingTheOffset() {
    ConnectionException e = assertThrows(ConnectionException.class,
        () -> feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"));
    assertTrue(e.getMessage().contains("at byte 47") && e.getMessage().contains("chunk size"), e.getMessage());
    assertThrows(ConnectionException.class, () -> feed("SSH-2.0-OpenSSH\r\n"));
    assertThrows(ConnectionException.class, () -> feed("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n"));
    assertThrows(ConnectionException.class,
        () -> feed("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nabc"));
  }

  @Test
  void truncatedResponsesFailAtEndOfInput() {
    HttpResponseParser p = new HttpResponseParser(new Recorder());
    byte[] b = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel".getBytes(StandardCharsets.ISO_8859_1);
    p.feed(b, 0, b.length);
    ConnectionException e = assertThrows(ConnectionException.class, p::endOfInput);
    assertTrue(e.getMessage().contains("in the body"), e.getMessage());
    assertThrows(ConnectionException.class, () -> new HttpResponseParser(new Recorder()).endOfInput());
  }

  @Test
  void linesAndHeaderCountAreBounded() {
    String longLine = "HTTP/1.1 200 OK\r\nX: " + "a".repeat(HttpResponseParser.MAX_LINE) + "\r\n\r\n";
    assertThrows(ConnectionException.class, () -> feed(longLine));
    StringBuilder many = new StringBuilder("HTTP/1.1 200 OK\r\n");
    for (int i = 0; i <= HttpResponseParser.MAX_HEADERS; i++) {
      many.append("X-").append(i).append(": v\r\n");
    }
    assertThrows(ConnectionException.class, () -> feed(many.append("\r\n").toString()));
  }

  static void feed(String s) {
    byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
    new HttpResponseParser(new Recorder()).feed(b, 0, b.length);
  }
}
