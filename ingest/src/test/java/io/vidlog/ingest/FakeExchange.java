package io.vidlog.ingest;

import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A PutMediaExchange double: the test pushes the body and reads the ack lines, no sockets. Used on
 * the session's context only.
 */
final class FakeExchange implements PutMediaExchange {
  final List<JsonObject> acks = new ArrayList<>();
  String contentType;
  boolean paused = true;
  boolean started;
  boolean ended;
  boolean bodyEnded;
  boolean discarded;
  /** Whether the client reads its acks too slowly: the write queue is full. */
  boolean full;
  private Consumer<ByteBuffer> data;
  private Runnable end;
  private Consumer<String> gone;
  private Runnable writable;

  @Override
  public void start(Consumer<ByteBuffer> data, Runnable end, Consumer<String> gone, Runnable writable) {
    this.data = data;
    this.end = end;
    this.gone = gone;
    this.writable = writable;
    started = true;
  }

  /** The client sends {@code bytes}; refused while the request is paused, as a paused socket delivers nothing. */
  void send(byte[] bytes) {
    if (paused) {
      throw new IllegalStateException("the request is paused");
    }
    data.accept(ByteBuffer.wrap(bytes));
  }

  void endBody() {
    bodyEnded = true;
    end.run();
  }

  void goAway() {
    gone.accept("connection reset");
  }

  void drain() {
    full = false;
    writable.run();
  }

  List<String> types() {
    return acks.stream().map(a -> a.getString("EventType")).toList();
  }

  @Override
  public String contentType() {
    return contentType;
  }

  @Override
  public void pause() {
    paused = true;
  }

  @Override
  public void resume() {
    paused = false;
  }

  @Override
  public boolean bodyEnded() {
    return bodyEnded;
  }

  @Override
  public void write(String line) {
    if (ended) {
      throw new IllegalStateException("ack after the end of the response: " + line);
    }
    acks.add(new JsonObject(line));
  }

  @Override
  public boolean writeQueueFull() {
    return full;
  }

  @Override
  public void end() {
    ended = true;
  }

  @Override
  public void discardRestThenClose() {
    discarded = true;
  }
}
