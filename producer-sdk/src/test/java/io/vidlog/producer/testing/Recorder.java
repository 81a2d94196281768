package io.vidlog.producer.testing;

import io.vidlog.producer.Ack;
import io.vidlog.producer.BufferState;
import io.vidlog.producer.DroppedFragment;
import io.vidlog.producer.ProducerError;
import io.vidlog.producer.ProducerListener;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link ProducerListener} that keeps everything it is told, for tests to look at. */
public final class Recorder implements ProducerListener {
  public final List<Ack> acks = new CopyOnWriteArrayList<>();
  public final List<ProducerError> errors = new CopyOnWriteArrayList<>();
  public final List<DroppedFragment> drops = new CopyOnWriteArrayList<>();
  public final List<Duration> latencies = new CopyOnWriteArrayList<>();
  public final List<BufferState> pressure = new CopyOnWriteArrayList<>();

  @Override
  public void onAck(Ack ack) {
    acks.add(ack);
  }

  @Override
  public void onError(ProducerError error) {
    errors.add(error);
  }

  @Override
  public void onDrop(DroppedFragment dropped) {
    drops.add(dropped);
  }

  @Override
  public void onLatency(String fragmentNumber, Duration ackLatency) {
    latencies.add(ackLatency);
  }

  @Override
  public void onBufferPressure(BufferState state) {
    pressure.add(state);
  }
}
