package io.vidlog.playback.hls;

import io.vertx.core.Vertx;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.live.LiveEvent;
import io.vidlog.fragmentstore.live.LiveFeeds;
import io.vidlog.fragmentstore.live.LiveSubscription;
import io.vidlog.fragmentstore.streams.StreamInfo;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fragments that recently ended in this node's live feeds, per stream, for live playlists
 * (docs/wire-protocol.md §3.5): a fragment is listed the moment ingest ends it, before it is
 * durable and indexed. One subscription per stream that has HLS viewers on this node, shared by
 * all of them; it starts with the first request for the stream and ends after {@code idleMillis}
 * without one. Each tail keeps the last {@code capacity} fragments.
 */
public final class LiveTails {
  private static final Logger LOG = LoggerFactory.getLogger(LiveTails.class);

  private final LiveFeeds feeds;
  private final FragmentCatalog catalog;
  private final LongSupplier clock;
  private final long idleMillis;
  private final int capacity;
  private final Vertx vertx;
  private final long partTargetMillis;
  private final ConcurrentHashMap<String, Tail> tails = new ConcurrentHashMap<>();

  public LiveTails(Vertx vertx, LiveFeeds feeds, FragmentCatalog catalog, LongSupplier clock, long idleMillis,
      int capacity) {
    this(vertx, feeds, catalog, clock, idleMillis, capacity, HlsService.DEFAULT_PART_TARGET_MILLIS);
  }

  /** @param partTargetMillis the LL-HLS part target duration ({@link LiveParts}) */
  public LiveTails(Vertx vertx, LiveFeeds feeds, FragmentCatalog catalog, LongSupplier clock, long idleMillis,
      int capacity, long partTargetMillis) {
    this.vertx = vertx;
    this.partTargetMillis = partTargetMillis;
    this.feeds = feeds;
    this.catalog = catalog;
    this.clock = clock;
    this.idleMillis = idleMillis;
    this.capacity = capacity;
    vertx.setPeriodic(Math.max(1_000, idleMillis / 4), id -> closeIdle());
  }

  /** The tail of a stream, subscribed on first use (on the caller's context). */
  public Tail tail(StreamInfo stream) {
    Tail t = tails.computeIfAbsent(stream.streamId(), id -> new Tail(id));
    t.touch(clock.getAsLong());
    t.subscribeIfNeeded();
    return t;
  }

  private void closeIdle() {
    long now = clock.getAsLong();
    tails.values().removeIf(t -> {
      if (now - t.lastUsed > idleMillis) {
        t.close();
        return true;
      }
      return false;
    });
  }

  /** One stream's recent fragments. */
  public final class Tail {
    private final String streamId;
    private final LiveParts parts = new LiveParts(vertx, clock, partTargetMillis);
    private final ArrayDeque<FragmentInfo> ended = new ArrayDeque<>();
    private final Map<FragmentNumber, TrackSet> open = new HashMap<>();
    private LiveEvent.FragmentStart latestStart;
    private volatile long lastUsed;
    private LiveSubscription subscription;
    private long lastStartMillis = Long.MIN_VALUE;

    Tail(String streamId) {
      this.streamId = streamId;
    }

    void touch(long now) {
      lastUsed = now;
    }

    synchronized void subscribeIfNeeded() {
      if (subscription == null) {
        // from the fragment in progress, when the window still holds it: its parts are listed at once
        var feed = feeds.feed(streamId);
        FragmentNumber from = feed.lastEnded();
        parts.subscribedAfter(from);
        subscription = feed.subscribe(from, this::on, cut -> {
          LOG.debug("HLS live tail of stream {} cut off: {}", streamId, cut.reason());
          synchronized (this) {
            subscription = null;
          }
        });
      }
    }

    synchronized void close() {
      if (subscription != null) {
        subscription.cancel();
        subscription = null;
      }
    }

    private void on(LiveEvent e) {
      if (e instanceof LiveEvent.FragmentStart s) {
        started(s);
      } else if (e instanceof LiveEvent.Frame f) {
        parts.frame(f);
      } else if (e instanceof LiveEvent.FragmentEnd end) {
        ended(end);
        parts.end(end.number());
      } else if (e instanceof LiveEvent.FragmentAborted a) {
        aborted(a);
        parts.abort(a.number());
      }
    }

    /** The LL-HLS parts of the stream's newest fragments. */
    LiveParts parts() {
      return parts;
    }

    private void started(LiveEvent.FragmentStart s) {
      TrackSet tracks;
      try {
        tracks = TrackSet.read(((BufferInternal) s.mkvHeader()).getByteBuf().nioBuffer());
      } catch (RuntimeException ex) {
        tracks = null; // read again from the store when it is listed
      }
      synchronized (this) {
        lastStartMillis = Math.max(lastStartMillis, s.serverTimestampMillis());
        latestStart = s;
        if (tracks != null) {
          open.put(s.number(), tracks);
        }
      }
      parts.start(s, tracks);
    }

    private void ended(LiveEvent.FragmentEnd e) {
      FragmentInfo info;
      synchronized (this) {
        TrackSet tracks = open.remove(e.number());
        if (tracks == null) {
          return;
        }
        info = new FragmentInfo(e.header(), tracks);
        ended.addLast(info);
        while (ended.size() > capacity) {
          ended.removeFirst();
        }
        open.clear(); // a start without an end before this one will never end
      }
      catalog.put(streamId, info);
    }

    private synchronized void aborted(LiveEvent.FragmentAborted a) {
      open.remove(a.number());
    }

    /** Ended fragments numbered after {@code after} (null: all kept), oldest first. */
    public synchronized List<FragmentInfo> after(FragmentNumber after) {
      List<FragmentInfo> out = new ArrayList<>();
      for (var it = ended.descendingIterator(); it.hasNext(); ) {
        FragmentInfo f = it.next();
        if (after != null && f.header().number().compareTo(after) <= 0) {
          break;
        }
        out.add(f);
      }
      java.util.Collections.reverse(out);
      return out;
    }

    /** A fragment of the tail by number, or null. */
    public synchronized FragmentInfo get(FragmentNumber number) {
      for (var it = ended.descendingIterator(); it.hasNext(); ) {
        FragmentInfo f = it.next();
        int c = f.header().number().compareTo(number);
        if (c == 0) {
          return f;
        }
        if (c < 0) {
          return null;
        }
      }
      return null;
    }

    /**
     * The producer start timestamp of the newest fragment that started, when it is numbered after
     * {@code number} (the fragment that followed it, or one after that); null otherwise.
     */
    public synchronized Long producerStartAfter(FragmentNumber number) {
      if (latestStart == null || latestStart.number().compareTo(number) <= 0) {
        return null;
      }
      FragmentInfo next = null;
      for (var it = ended.descendingIterator(); it.hasNext(); ) {
        FragmentInfo f = it.next();
        if (f.header().number().compareTo(number) <= 0) {
          break;
        }
        next = f;
      }
      return next != null ? next.header().producerTimestampMillis() : latestStart.producerTimestampMillis();
    }

    /** Server timestamp of the newest fragment that started while subscribed, or Long.MIN_VALUE. */
    public synchronized long lastStartMillis() {
      return lastStartMillis;
    }
  }
}
