package io.vidlog.producer.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy that forwards bytes both ways and can cut a connection at a chosen point: at once, or
 * after a given number of further bytes in one direction (so in the middle of a frame going up, or of
 * an ack coming down). A cut closes both sides, as a broken network path does for the two ends.
 */
public final class TcpProxy implements AutoCloseable {
  /** Which way a cut counts bytes. */
  public enum Direction { UPSTREAM, DOWNSTREAM }

  private final ServerSocket listener;
  private volatile InetSocketAddress target;
  private final List<Pair> pairs = new CopyOnWriteArrayList<>();
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicInteger cuts = new AtomicInteger();
  private final Thread acceptor;

  public TcpProxy() throws IOException {
    listener = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
    acceptor = new Thread(this::acceptLoop, "test-proxy-accept");
    acceptor.setDaemon(true);
  }

  public int port() {
    return listener.getLocalPort();
  }

  /** Starts forwarding to {@code host:port}. */
  public void start(String host, int port) {
    target = new InetSocketAddress(host, port);
    acceptor.start();
  }

  public int accepted() {
    return accepted.get();
  }

  public int cuts() {
    return cuts.get();
  }

  /** Cuts every open connection {@code bytes} bytes further in {@code direction} (0: at once). Returns how many were armed. */
  public int cutAfter(Direction direction, long bytes) {
    int n = 0;
    for (Pair p : pairs) {
      if (!p.closed) {
        (direction == Direction.UPSTREAM ? p.upBudget : p.downBudget).set(bytes);
        if (bytes == 0) {
          p.cut(true);
        }
        n++;
      }
    }
    return n;
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket();
        server.connect(target, 5000);
        client.setTcpNoDelay(true);
        server.setTcpNoDelay(true);
        Pair p = new Pair(client, server);
        pairs.add(p);
        accepted.incrementAndGet();
        p.start();
      } catch (IOException e) {
        // listener closed, or the target refused: the client sees its connection close
      }
    }
  }

  private final class Pair {
    final Socket client;
    final Socket server;
    final AtomicLong upBudget = new AtomicLong(-1);
    final AtomicLong downBudget = new AtomicLong(-1);
    volatile boolean closed;
    final AtomicInteger ended = new AtomicInteger();

    Pair(Socket client, Socket server) {
      this.client = client;
      this.server = server;
    }

    void start() {
      Thread up = new Thread(() -> pump(client, server, upBudget), "test-proxy-up");
      Thread down = new Thread(() -> pump(server, client, downBudget), "test-proxy-down");
      up.setDaemon(true);
      down.setDaemon(true);
      up.start();
      down.start();
    }

    void pump(Socket from, Socket to, AtomicLong budget) {
      byte[] buf = new byte[8192];
      try {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        int n;
        while ((n = in.read(buf)) >= 0) {
          long b = budget.get();
          if (b >= 0 && n >= b) {
            out.write(buf, 0, (int) b);
            out.flush();
            cut(true);
            return;
          }
          out.write(buf, 0, n);
          out.flush();
          if (b >= 0) {
            budget.addAndGet(-n);
          }
        }
        // a clean end on one side is passed on as a half close; when both sides ended, the pair is done
        to.shutdownOutput();
        if (ended.incrementAndGet() == 2) {
          cut(false);
        }
      } catch (IOException e) {
        cut(false);
      }
    }

    synchronized void cut(boolean deliberate) {
      if (!closed) {
        closed = true;
        if (deliberate) {
          cuts.incrementAndGet();
        }
        pairs.remove(this);
        try {
          client.close();
        } catch (IOException e) {
          // closing anyway
        }
        try {
          server.close();
        } catch (IOException e) {
          // closing anyway
        }
      }
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    for (Pair p : pairs) {
      p.cut(false);
    }
  }
}
