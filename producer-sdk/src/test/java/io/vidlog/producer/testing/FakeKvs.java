package io.vidlog.producer.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A misbehaving KVS endpoint over plain HTTP: the control-plane calls a producer makes are answered
 * properly (an ACTIVE stream, its data endpoint, no stored fragments), PutMedia as the chosen
 * {@link PutMedia} behaviour says, GetMedia with {@link #getMediaBody}. Each connection has its own thread; {@link #close()} ends them all.
 */
public final class FakeKvs implements AutoCloseable {
  /** How PutMedia is answered. */
  public enum PutMedia {
    /** 200, then lines that are not acks. */
    GARBAGE_ACKS,
    /** 500 InternalFailure before the upload. */
    ERROR_500,
    /** 404 ResourceNotFoundException: retrying cannot help. */
    NOT_FOUND,
    /** No answer at all; the upload is read and dropped. */
    STALL,
    /** 200 and then no ack ever; the upload is read and dropped. */
    STALL_AFTER_200,
    /** 200, then the upload is not read for 3 s (TCP back-pressure stalls the producer's writes). */
    STOP_READING,
    /**
     * Acks as vidlog sends them (BUFFERING at each Cluster, RECEIVED and PERSISTED at each end-of-fragment
     * tag), except where {@link FakeKvs#script} says otherwise for the n-th fragment completed.
     */
    SCRIPTED_ACKS
  }

  /** What SCRIPTED_ACKS answers for a completed fragment. */
  public enum Answer {
    PERSISTED,
    /** ERROR 4002: the fragment is refused, the connection goes on. */
    REFUSE,
    /** ERROR 5000: the connection ends (the fragment is not stored). */
    END_CONNECTION
  }

  /** SCRIPTED_ACKS: the answer for the n-th fragment completed (0-based, over all connections). */
  public volatile java.util.function.IntFunction<Answer> script = n -> Answer.PERSISTED;
  /** SCRIPTED_ACKS: Cluster Timecodes of the fragments acknowledged PERSISTED, in order. */
  public final List<Long> stored = new CopyOnWriteArrayList<>();
  private final AtomicInteger completed = new AtomicInteger();
  /** The body of every GetMedia answer (200, Content-Length, then the connection closes); null: {@code {}}. */
  public volatile byte[] getMediaBody;

  private final ServerSocket listener;
  private final PutMedia behaviour;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  public final AtomicInteger putMediaCalls = new AtomicInteger();
  private final Thread acceptor;

  public FakeKvs(PutMedia behaviour) throws IOException {
    this.behaviour = behaviour;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.acceptor = new Thread(this::acceptLoop, "fake-kvs-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public URI url() {
    return URI.create("http://127.0.0.1:" + listener.getLocalPort());
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        Socket s = listener.accept();
        s.setReceiveBufferSize(64 * 1024);
        sockets.add(s);
        Thread t = new Thread(() -> serve(s), "fake-kvs-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      String head = readHead(in);
      String path = head.split(" ")[1];
      boolean chunked = head.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked");
      int length = contentLength(head);
      switch (path) {
        case "/describeStream" -> json(out, in, length, "{\"StreamInfo\":{\"StreamName\":\"fake\",\"StreamARN\":"
            + "\"arn:aws:kinesisvideo:us-east-1:000000000000:stream/fake/1\",\"Status\":\"ACTIVE\","
            + "\"Version\":\"v1\",\"CreationTime\":1.0,\"DataRetentionInHours\":24}}");
        case "/getDataEndpoint" -> json(out, in, length, "{\"DataEndpoint\":\"" + url() + "\"}");
        case "/listFragments" -> json(out, in, length, "{\"Fragments\":[]}");
        case "/putMedia" -> putMedia(s, in, out, chunked);
        case "/getMedia" -> {
          byte[] media = getMediaBody;
          if (media == null) {
            json(out, in, length, "{}");
          } else {
            in.readNBytes(Math.max(0, length));
            // head and body in one write: the reader gets the whole answer in one read
            byte[] answer = ("HTTP/1.1 200 OK\r\nContent-Type: video/webm\r\nContent-Length: " + media.length
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
            byte[] all = java.util.Arrays.copyOf(answer, answer.length + media.length);
            System.arraycopy(media, 0, all, answer.length, media.length);
            out.write(all);
            out.flush();
          }
        }
        default -> json(out, in, length, "{}");
      }
    } catch (IOException | java.io.UncheckedIOException e) {
      // the client went away
    } finally {
      sockets.remove(s);
    }
  }

  private void putMedia(Socket s, InputStream in, OutputStream out, boolean chunked) throws IOException {
    putMediaCalls.incrementAndGet();
    switch (behaviour) {
      case GARBAGE_ACKS -> {
        write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
        String junk = "<html><body>502 Bad Gateway</body></html>\n";
        write(out, Integer.toHexString(junk.length()) + "\r\n" + junk + "\r\n");
        drain(in);
      }
      case ERROR_500 -> {
        String body = "{\"__type\":\"InternalFailure\",\"Message\":\"boom\"}";
        write(out, "HTTP/1.1 500 Internal Server Error\r\nx-amzn-ErrorType: InternalFailure\r\n"
            + "x-amzn-RequestId: fake-1\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body);
        drainBriefly(s, in);
      }
      case NOT_FOUND -> {
        String body = "{\"__type\":\"ResourceNotFoundException\",\"Message\":\"The stream fake does not exist\"}";
        write(out, "HTTP/1.1 404 Not Found\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body);
        drainBriefly(s, in);
      }
      case STALL -> drain(in);
      case STALL_AFTER_200 -> {
        write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
        drain(in);
      }
      case STOP_READING -> {
        write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
        try {
          Thread.sleep(3000); // longer than the tests' stale timeout: the producer's writes block meanwhile
        } catch (InterruptedException e) {
          return;
        }
        drain(in); // then notice the producer's close
      }
      case SCRIPTED_ACKS -> scripted(in, out);
      default -> throw new IllegalStateException(behaviour.toString());
    }
  }

  /** Reads the chunked MKV upload with vidlog's MKV reader and acks it as the script says. */
  private void scripted(InputStream in, OutputStream out) throws IOException {
    write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
    long[] cluster = {-1};
    boolean[] ended = {false};
    io.vidlog.media.mkv.MkvReader reader = new io.vidlog.media.mkv.MkvReader(new io.vidlog.media.mkv.MkvHandler() {
      @Override
      public void onClusterStart(long timecode, long size) {
        cluster[0] = timecode;
        ack(out, "{\"EventType\":\"BUFFERING\",\"FragmentTimecode\":" + timecode + ",\"FragmentNumber\":\"" + timecode + "\"}");
      }

      @Override
      public void onTags(List<io.vidlog.media.mkv.Tag> tags, java.nio.ByteBuffer raw) {
        boolean end = tags.stream().flatMap(t -> t.simpleTags().stream())
            .anyMatch(t -> t.name().equals("AWS_KINESISVIDEO_END_OF_FRAGMENT"));
        if (!end || cluster[0] < 0) {
          return;
        }
        long tc = cluster[0];
        String common = "\"FragmentTimecode\":" + tc + ",\"FragmentNumber\":\"" + tc + "\"";
        switch (script.apply(completed.getAndIncrement())) {
          case PERSISTED -> {
            ack(out, "{\"EventType\":\"RECEIVED\"," + common + "}");
            stored.add(tc);
            ack(out, "{\"EventType\":\"PERSISTED\"," + common + "}");
          }
          case REFUSE -> ack(out, "{\"EventType\":\"ERROR\"," + common
              + ",\"ErrorId\":4002,\"ErrorCode\":\"MAX_FRAGMENT_DURATION_REACHED\"}");
          case END_CONNECTION -> {
            ack(out, "{\"EventType\":\"ERROR\"," + common + ",\"ErrorId\":5000,\"ErrorCode\":\"INTERNAL_ERROR\"}");
            ended[0] = true;
          }
          default -> throw new IllegalStateException();
        }
        cluster[0] = -1;
      }
    });
    while (!ended[0]) {
      String size = line(in);
      if (size == null) {
        return;
      }
      int n = Integer.parseInt(size.strip(), 16);
      if (n == 0) {
        break;
      }
      byte[] chunk = in.readNBytes(n);
      line(in);
      if (chunk.length < n) {
        return;
      }
      reader.feed(chunk, 0, n);
    }
    write(out, "0\r\n\r\n");
  }

  private static void ack(OutputStream out, String json) {
    String line = json + "\n";
    try {
      write(out, Integer.toHexString(line.length()) + "\r\n" + line + "\r\n");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        return b.toString();
      }
      if (c != '\r') {
        b.append((char) c);
      }
    }
    return null;
  }

  /**
   * After an early error answer, what the upload already sent is read (for at most a second) before the
   * socket closes, as vidlog does (docs/wire-protocol.md §1.1): closing on unread bytes makes the kernel
   * reset the connection, and the client may lose the answer.
   */
  private static void drainBriefly(Socket s, InputStream in) throws IOException {
    long until = System.currentTimeMillis() + 1000;
    s.setSoTimeout(200);
    byte[] buf = new byte[16 * 1024];
    try {
      while (System.currentTimeMillis() < until && in.read(buf) >= 0) {
        // dropped
      }
    } catch (java.net.SocketTimeoutException e) {
      // enough
    }
  }

  private static void drain(InputStream in) throws IOException {
    byte[] buf = new byte[16 * 1024];
    while (in.read(buf) >= 0) {
      // dropped
    }
  }

  private static void json(OutputStream out, InputStream in, int length, String body) throws IOException {
    in.readNBytes(Math.max(0, length));
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    write(out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + b.length
        + "\r\nConnection: close\r\n\r\n" + body);
  }

  private static void write(OutputStream out, String s) throws IOException {
    out.write(s.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0) {
      b.write(c);
      String s = b.toString(StandardCharsets.ISO_8859_1);
      if (s.endsWith("\r\n\r\n")) {
        return s;
      }
    }
    throw new IOException("connection closed in the request head");
  }

  private static int contentLength(String head) {
    for (String line : head.split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        return Integer.parseInt(line.substring(15).strip());
      }
    }
    return 0;
  }

  /** Connections open now. */
  public int openConnections() {
    return sockets.size();
  }

  @Override
  public void close() throws IOException {
    listener.close();
    for (Socket s : sockets) {
      s.close();
    }
  }
}
