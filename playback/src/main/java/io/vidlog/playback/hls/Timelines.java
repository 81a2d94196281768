package io.vidlog.playback.hls;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The timelines of the live sessions this node serves, by session token, least recently used out
 * once they keep more than {@code capacity} playlist entries together (a LIVE session keeps its
 * MaxMediaPlaylistFragmentResults per track). A session whose timeline was dropped, or that comes to
 * a node for the first time, is counted again from its first fragment, from the index.
 */
final class Timelines {
  private final long capacity;
  private long weight;
  private final LinkedHashMap<String, Timeline> byToken = new LinkedHashMap<>(64, 0.75f, true);

  Timelines(long capacity) {
    this.capacity = capacity;
  }

  synchronized Timeline get(String token, Supplier<Timeline> create) {
    Timeline t = byToken.get(token);
    if (t == null) {
      t = create.get();
      byToken.put(token, t);
      weight += weight(t);
      var it = byToken.entrySet().iterator();
      while (weight > capacity && byToken.size() > 1) {
        Map.Entry<String, Timeline> eldest = it.next();
        weight -= weight(eldest.getValue());
        it.remove();
      }
    }
    return t;
  }

  synchronized int size() {
    return byToken.size();
  }

  private static long weight(Timeline t) {
    return 2L * t.session().maxResults();
  }
}
