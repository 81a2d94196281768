package io.vidlog.producer;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One PutMedia exchange (docs/wire-protocol.md §1): the chunked MKV body written by the engine's sender
 * thread, and the response read at the same time by this connection's own ack thread, which reports
 * the head, every ack and the end of the response to the engine. The end is clean only when the
 * response's chunked body ended properly: then the service has sent the final ack of every fragment it
 * received (§1.3), and a fragment without one was not received.
 */
final class PutMediaConnection {
  /** What the ack thread reports. */
  interface Events {
    void onHead(PutMediaConnection c);

    void onAck(PutMediaConnection c, Ack ack);

    /** The response ended ({@code error} null: cleanly) or could not be read. Called once. */
    void onEnd(PutMediaConnection c, Throwable error);
  }

  private static final int MAX_ERROR_BODY = 64 * 1024;

  final int id;
  final HttpConnection http;
  final long openedNanos = System.nanoTime();
  private final Events events;
  private final Thread ackThread;
  private final CountDownLatch ended = new CountDownLatch(1);
  /** Guarded by the engine's lock. */
  boolean headSeen;
  boolean failed;
  /** Set by the engine: the first fragment start written and not yet answered with BUFFERING, else 0. */
  long oldestUnansweredStartNanos;
  BufferedFragment lastFragmentWritten;
  StreamHeader lastHeaderWritten;

  PutMediaConnection(int id, HttpConnection http, Events events, String threadName) {
    this.id = id;
    this.http = http;
    this.events = events;
    this.ackThread = new Thread(this::readAcks, threadName);
    this.ackThread.setDaemon(true);
  }

  void startReading() {
    ackThread.start();
  }

  private void readAcks() {
    Throwable error = null;
    try {
      HttpConnection.ResponseHead head = http.readHead();
      if (head.status() != 200) {
        throw ClientContext.serviceError(head, ClientContext.readAll(http.body(), MAX_ERROR_BODY, "PutMedia"));
      }
      events.onHead(this);
      AckParser parser = new AckParser(ack -> events.onAck(this, ack));
      InputStream body = http.body();
      byte[] buf = new byte[4096];
      int n;
      while ((n = body.read(buf)) >= 0) {
        parser.feed(buf, 0, n);
      }
      parser.end();
    } catch (IOException e) {
      error = new ConnectionException("PutMedia connection " + id + " broke: " + HttpConnection.describe(e), e);
    } catch (RuntimeException e) {
      error = e;
    } finally {
      // the engine hears of the end before anyone waiting for it wakes up: a sender whose write broke waits
      // here so that the response's own reason (a 404, say) is the one acted on
      events.onEnd(this, error);
      ended.countDown();
    }
  }

  /** Waits until the response has ended and the engine has been told (the ack thread is done). */
  boolean awaitEnd(long timeoutMillis) throws InterruptedException {
    return ended.await(timeoutMillis, TimeUnit.MILLISECONDS);
  }

  /** Closes the socket: both the writer and the ack thread stop with an IOException. */
  void close() {
    http.close();
  }

  /** Waits for the ack thread to finish (after {@link #close()} it does promptly). */
  void join(long millis) throws InterruptedException {
    if (Thread.currentThread() != ackThread) {
      ackThread.join(millis);
    }
  }

  @Override
  public String toString() {
    return "PutMedia connection " + id;
  }
}
