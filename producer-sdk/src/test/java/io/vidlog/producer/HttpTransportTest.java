package io.vidlog.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The transport is full duplex, as PutMedia needs (docs/wire-protocol.md §1.3): a response the server
 * sends while the request body is still open reaches the client then, and the client keeps writing
 * its body afterwards.
 */
class HttpTransportTest {

  @Test
  void theResponseArrivesWhileTheChunkedBodyIsStillOpen() throws Exception {
    AtomicBoolean bodyEndedBeforeAnswer = new AtomicBoolean(true);
    List<String> bodyLines = new ArrayList<>();
    try (ServerSocket server = new ServerSocket(0)) {
      CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
        try (Socket s = server.accept()) {
          BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
          String line;
          while (!(line = in.readLine()).isEmpty()) {
            bodyLines.add("head: " + line);
          }
          String size = in.readLine();
          String data = in.readLine();
          in.readLine(); // the empty line after the chunk's CRLF-terminated data line
          bodyLines.add("chunk " + size + " " + data);
          // answer now, with the body still open: the ack of the first chunk
          bodyEndedBeforeAnswer.set(false);
          OutputStream out = s.getOutputStream();
          out.write(("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
              + "14\r\n{\"EventType\":\"IDLE\"}\r\n").getBytes(StandardCharsets.ISO_8859_1));
          out.flush();
          while (!(line = in.readLine()).equals("0")) {
            bodyLines.add("chunk " + line + " " + in.readLine());
            in.readLine();
          }
          in.readLine();
          out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
          out.flush();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      try (HttpConnection c = HttpConnection.open(URI.create("http://127.0.0.1:" + server.getLocalPort()),
          null, Duration.ofSeconds(5))) {
        c.readTimeout(Duration.ofSeconds(30));
        c.startChunked("POST", "/putMedia", Map.of("x-amzn-stream-name", "s"));
        byte[] first = "first\r\n".getBytes(StandardCharsets.ISO_8859_1);
        c.writeChunk(first, 0, first.length);
        c.flush();
        HttpConnection.ResponseHead head = c.readHead();
        assertEquals(200, head.status());
        InputStream body = c.body();
        byte[] ack = new byte[20];
        int n = 0;
        while (n < ack.length) {
          n += body.read(ack, n, ack.length - n);
        }
        assertEquals("{\"EventType\":\"IDLE\"}", new String(ack, StandardCharsets.ISO_8859_1));
        assertFalse(bodyEndedBeforeAnswer.get(), "the server answered before the body ended");
        byte[] second = "second\r\n".getBytes(StandardCharsets.ISO_8859_1);
        c.writeChunk(second, 0, second.length);
        c.endChunks();
        assertEquals(-1, body.read(), "the response ends after the body did");
        served.get(30, TimeUnit.SECONDS);
      }
    }
    assertTrue(bodyLines.contains("chunk 7 first") && bodyLines.contains("chunk 8 second"), bodyLines::toString);
    assertTrue(bodyLines.contains("head: Transfer-Encoding: chunked"), bodyLines::toString);
  }
}
