package io.vidlog.fragmentstore.live;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Counters of the live path, shared by all feeds; read through {@link MemoryLiveFeeds}. */
final class FeedMetrics {
  private final Map<LiveFeed.CutOff.Reason, LongAdder> cutOffs = new EnumMap<>(LiveFeed.CutOff.Reason.class);
  private final Map<EvictionReason, LongAdder> evictions = new EnumMap<>(EvictionReason.class);
  private final LongAdder subscribers = new LongAdder();

  FeedMetrics() {
    for (LiveFeed.CutOff.Reason r : LiveFeed.CutOff.Reason.values()) {
      cutOffs.put(r, new LongAdder());
    }
    for (EvictionReason r : EvictionReason.values()) {
      evictions.put(r, new LongAdder());
    }
  }

  void cutOff(LiveFeed.CutOff.Reason reason) {
    cutOffs.get(reason).increment();
  }

  long cutOffs(LiveFeed.CutOff.Reason reason) {
    return cutOffs.get(reason).sum();
  }

  void evicted(EvictionReason reason) {
    evictions.get(reason).increment();
  }

  long evictions(EvictionReason reason) {
    return evictions.get(reason).sum();
  }

  void subscribed() {
    subscribers.increment();
  }

  void unsubscribed() {
    subscribers.decrement();
  }

  long subscribers() {
    return subscribers.sum();
  }
}
