package io.vidlog.playback.getmedia;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vidlog.playback.chunk.ChunkSink;
import io.vidlog.playback.testing.KvsParse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;

/** A response that records what is written; the test decides when its write queue is full and when it drains. */
final class RecordingSink implements ChunkSink {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private Handler<Void> drain;
  boolean full;
  int ends;
  /** Writes made after the end (a real response drops them; a session should not make them). */
  int writesAfterEnd;

  @Override
  public void write(Buffer data) {
    if (ends == 0) {
      bytes.writeBytes(data.getBytes());
    } else {
      writesAfterEnd++;
    }
  }

  @Override
  public boolean writeQueueFull() {
    return full && ends == 0;
  }

  @Override
  public void drainHandler(Handler<Void> handler) {
    drain = handler;
  }

  @Override
  public boolean ended() {
    return ends > 0;
  }

  @Override
  public void end() {
    ends++;
  }

  /** The queue empties: the drain handler runs once. */
  void drained() {
    full = false;
    Handler<Void> h = drain;
    drain = null;
    if (h != null) {
      h.handle(null);
    }
  }

  byte[] bytes() {
    return bytes.toByteArray();
  }

  int size() {
    return bytes.size();
  }

  /** What the KVS parser library reads from the bytes so far. */
  KvsParse parse() throws Exception {
    return KvsParse.read(new ByteArrayInputStream(bytes()), p -> false);
  }
}
