package io.vidlog.producer.cli;

import io.vidlog.producer.Ack;
import io.vidlog.producer.AckType;
import io.vidlog.producer.DroppedFragment;
import io.vidlog.producer.ProducerError;
import io.vidlog.producer.ProducerListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;

/** Counts what a producer reports, for progress lines and the summary a command ends with. */
final class AckTally implements ProducerListener {
  /** Errors kept for the summary (the latest ones). */
  private static final int KEPT_ERRORS = 5;

  private final Map<AckType, AtomicLong> acks = new EnumMap<>(AckType.class);
  private final AtomicLong droppedFrames = new AtomicLong();
  private final AtomicLong droppedFragments = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicLong latencyCount = new AtomicLong();
  private final AtomicLong latencyTotalMillis = new AtomicLong();
  private final AtomicLong latencyMaxMillis = new AtomicLong();
  private final ConcurrentLinkedDeque<String> lastErrors = new ConcurrentLinkedDeque<>();
  private final ConcurrentLinkedDeque<String> dropReasons = new ConcurrentLinkedDeque<>();

  AckTally() {
    for (AckType t : AckType.values()) {
      acks.put(t, new AtomicLong());
    }
  }

  @Override
  public void onAck(Ack ack) {
    acks.get(ack.type()).incrementAndGet();
  }

  @Override
  public void onError(ProducerError error) {
    errors.incrementAndGet();
    lastErrors.addLast((error.retriable() ? "retried: " : "") + error.message());
    while (lastErrors.size() > KEPT_ERRORS) {
      lastErrors.pollFirst();
    }
  }

  @Override
  public void onDrop(DroppedFragment dropped) {
    droppedFragments.incrementAndGet();
    droppedFrames.addAndGet(dropped.frames());
    if (dropReasons.size() < KEPT_ERRORS) {
      dropReasons.addLast(dropped.frames() + " frames at " + dropped.timestamp() + " (" + dropped.reason() + ")");
    }
  }

  @Override
  public void onLatency(String fragmentNumber, Duration ackLatency) {
    long ms = ackLatency.toMillis();
    latencyCount.incrementAndGet();
    latencyTotalMillis.addAndGet(ms);
    latencyMaxMillis.accumulateAndGet(ms, Math::max);
  }

  long acks(AckType type) {
    return acks.get(type).get();
  }

  long droppedFragments() {
    return droppedFragments.get();
  }

  long droppedFrames() {
    return droppedFrames.get();
  }

  long errors() {
    return errors.get();
  }

  /** Mean PERSISTED latency in milliseconds, or -1 before the first. */
  long meanLatencyMillis() {
    long n = latencyCount.get();
    return n == 0 ? -1 : latencyTotalMillis.get() / n;
  }

  long maxLatencyMillis() {
    return latencyMaxMillis.get();
  }

  /** "BUFFERING 12, RECEIVED 12, PERSISTED 12" (types never seen left out). */
  String ackCounts() {
    List<String> parts = new ArrayList<>();
    for (Map.Entry<AckType, AtomicLong> e : acks.entrySet()) {
      if (e.getValue().get() > 0) {
        parts.add(e.getKey() + " " + e.getValue().get());
      }
    }
    return parts.isEmpty() ? "none" : String.join(", ", parts);
  }

  List<String> lastErrors() {
    return List.copyOf(lastErrors);
  }

  List<String> dropReasons() {
    return List.copyOf(dropReasons);
  }
}
