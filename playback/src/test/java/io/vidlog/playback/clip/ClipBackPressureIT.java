package io.vidlog.playback.clip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.chunk.ChunkHeader;
import io.vidlog.fragmentstore.chunk.FragmentArchive;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.fragmentstore.testing.Conditions;
import io.vidlog.playback.PlaybackConfig;
import io.vidlog.playback.testing.TestChunks;
import io.vidlog.playback.testing.TestServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A clip is streamed, not assembled: with a client that reads nothing, the chunk being read for the
 * second time is paused (the socket's write queue is full) long before the store has delivered the
 * clip a second time; once the client reads, the whole clip arrives, exactly as long as announced.
 */
class ClipBackPressureIT {
  static final long BASE = 1_700_000_000_000L;
  static final int FRAME_PADDING = 1 << 20;

  /** Delivered bytes and pause() calls of every chunk stream the clip reads. */
  static final class Counting implements FragmentArchive {
    final FragmentArchive inner;
    final AtomicLong delivered = new AtomicLong();
    final AtomicInteger pauses = new AtomicInteger();

    Counting(FragmentArchive inner) {
      this.inner = inner;
    }

    @Override
    public ChunkWriter begin(StreamInfo stream, FragmentNumber number) {
      return inner.begin(stream, number);
    }

    @Override
    public Future<ChunkReader> open(StreamInfo stream, FragmentNumber number) {
      return inner.open(stream, number).map(r -> new ChunkReader() {
        @Override
        public ChunkHeader header() {
          return r.header();
        }

        @Override
        public ReadStream<Buffer> mkv() {
          return new CountingStream(r.mkv());
        }
      });
    }

    @Override
    public Future<ChunkHeader> header(StreamInfo stream, FragmentNumber number) {
      return inner.header(stream, number);
    }

    @Override
    public Future<List<FragmentNumber>> list(StreamInfo stream, FragmentNumber after, int max) {
      return inner.list(stream, after, max);
    }

    @Override
    public Future<Void> delete(StreamInfo stream, FragmentNumber number) {
      return inner.delete(stream, number);
    }

    final class CountingStream implements ReadStream<Buffer> {
      private final ReadStream<Buffer> s;

      CountingStream(ReadStream<Buffer> s) {
        this.s = s;
      }

      @Override
      public ReadStream<Buffer> exceptionHandler(Handler<Throwable> h) {
        s.exceptionHandler(h);
        return this;
      }

      @Override
      public ReadStream<Buffer> handler(Handler<Buffer> h) {
        s.handler(h == null ? null : b -> {
          delivered.addAndGet(b.length());
          h.handle(b);
        });
        return this;
      }

      @Override
      public ReadStream<Buffer> pause() {
        pauses.incrementAndGet();
        s.pause();
        return this;
      }

      @Override
      public ReadStream<Buffer> resume() {
        s.resume();
        return this;
      }

      @Override
      public ReadStream<Buffer> fetch(long amount) {
        s.fetch(amount);
        return this;
      }

      @Override
      public ReadStream<Buffer> endHandler(Handler<Void> h) {
        s.endHandler(h);
        return this;
      }
    }
  }

  @Test
  void aClientThatDoesNotReadPausesTheStoreAndThenGetsTheWholeClip() throws Exception {
    try (TestServer server = new TestServer(PlaybackConfig.DEFAULTS, BASE + 60_000)) {
      // a handler that throws (a drain arriving between two fragments once resumed no source) is
      // only logged by Vert.x; the transfer must not have any
      List<Throwable> unhandled = new CopyOnWriteArrayList<>();
      server.vertx.exceptionHandler(unhandled::add);
      StreamInfo s = server.store.createStream("big", 24);
      List<TestChunks.Fragment> fragments = TestChunks.fragments(6, BASE, FRAME_PADDING);
      long stored = 0;
      for (TestChunks.Fragment f : fragments) {
        server.store.persist(s, f.header(), f.mkv());
        stored += f.mkv().length();
      }
      Counting archive = new Counting(server.store.archive);
      server.mount(new ClipApi(server.store.registry, server.store.index, archive, ClipConfig.DEFAULTS,
          () -> BASE + 60_000));
      String body = "{\"StreamName\":\"big\",\"ClipFragmentSelector\":{\"FragmentSelectorType\":\"PRODUCER_TIMESTAMP\","
          + "\"TimestampRange\":{\"StartTimestamp\":0,\"EndTimestamp\":100}}}";
      try (Socket socket = new Socket()) {
        // a fixed, small receive buffer (set before connecting, so the kernel does not grow it):
        // the loopback socket itself could otherwise take tens of MB
        socket.setReceiveBufferSize(64 * 1024);
        socket.connect(new InetSocketAddress("127.0.0.1", server.port));
        OutputStream out = socket.getOutputStream();
        out.write(("POST /getClip HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
            + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
        out.flush();

        Conditions.await("the chunk stream is paused", () -> archive.pauses.get() > 0);
        long deliveredWhenPaused = archive.delivered.get();
        // the first reading took the whole stored clip; the second one stopped well before its end
        assertTrue(deliveredWhenPaused < 2 * stored - stored / 2, deliveredWhenPaused + " of " + 2 * stored);

        InputStream in = socket.getInputStream();
        String head = readHead(in);
        assertTrue(head.startsWith("HTTP/1.1 200"), head);
        long length = Long.parseLong(head.replaceAll("(?s).*[Cc]ontent-[Ll]ength: (\\d+).*", "$1"));
        long media = fragments.stream().flatMap(f -> f.frames().stream()).mapToLong(f -> f.data().length).sum();
        assertTrue(length > media, "the clip holds every frame: " + length + " > " + media);
        long got = 0;
        byte[] buf = new byte[1 << 16];
        for (int n; got < length && (n = in.read(buf)) > 0; ) {
          got += n;
        }
        assertEquals(length, got);
        assertEquals(2 * stored, archive.delivered.get(), "each fragment read twice, no more");
        assertEquals(List.of(), unhandled);
      }
    }
  }

  private static String readHead(InputStream in) throws Exception {
    StringBuilder s = new StringBuilder();
    while (!s.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        break;
      }
      s.append((char) c);
    }
    return s.toString();
  }
}
