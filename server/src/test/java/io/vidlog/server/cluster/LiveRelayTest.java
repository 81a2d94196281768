package io.vidlog.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.chunk.ChunkHeader;
import io.vidlog.fragmentstore.live.LiveEvent;
import io.vidlog.fragmentstore.live.LiveFeed;
import io.vidlog.fragmentstore.live.LiveFeedConfig;
import io.vidlog.fragmentstore.live.LiveSubscription;
import io.vidlog.fragmentstore.live.MemoryLiveFeeds;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.fragmentstore.testing.Conditions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two nodes' relays on one (local) event bus, told apart by their member ids, with an in-memory
 * stand-in for the cluster-wide {@link LiveInterest}: node A owns stream "s" and ingests into its
 * feed; readers subscribe on A or on B.
 */
class LiveRelayTest {
  static final String S = "s";
  static final long NOW = System.currentTimeMillis();

  Vertx vertx;
  MemoryLiveFeeds feedsA;
  MemoryLiveFeeds feedsB;
  SharedInterest interest;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    feedsA = new MemoryLiveFeeds(vertx, LiveFeedConfig.DEFAULT);
    feedsB = new MemoryLiveFeeds(vertx, LiveFeedConfig.DEFAULT);
    interest = new SharedInterest();
  }

  @AfterEach
  void stop() {
    feedsA.close();
    feedsB.close();
    vertx.close().await();
  }

  LiveRelay node(String me, Set<String> owned, MemoryLiveFeeds feeds, long lingerMs) {
    return new LiveRelay(vertx, me, new Owning(owned), interest.node(me), feeds, null, lingerMs);
  }

  @Test
  void theOwnerPublishesNoFrameWhileNoOtherNodeReadsTheStream() throws Exception {
    LiveRelay a = node("a", Set.of(S), feedsA, 50);
    node("b", Set.of(), feedsB, 50);
    a.owned(S);
    // a reader on the owner's node: its relay consumer there does not count as another node's
    Reader onA = Reader.on(a, null);
    Conditions.await("A announced its reader", () -> interest.announced("a").contains(S));
    fragment(feedsA.feed(S), 1);
    fragment(feedsA.feed(S), 2);
    Conditions.await("A's reader has both fragments", () -> onA.ended(2));
    assertEquals(0, a.framesPublished(), "frames published on the event bus for nobody");
    assertFalse(a.publishes(S));
  }

  @Test
  void aReaderOnAnotherNodeStartsAtTheNextFragmentAndTheOwnerStopsWhenItsLastReaderLeft() throws Exception {
    LiveRelay a = node("a", Set.of(S), feedsA, 50);
    LiveRelay b = node("b", Set.of(), feedsB, 50);
    a.owned(S);
    LiveFeed ingest = feedsA.feed(S);
    ingest.publish(start(1));
    ingest.publishImmutable(frame(1, 0));
    Reader onB = Reader.on(b, null);
    Conditions.await("A publishes for B", () -> a.publishes(S) && b.relays(S));
    // the rest of the fragment B's reader joined in, then a whole one
    ingest.publishImmutable(frame(1, 40));
    ingest.publish(end(1));
    fragment(ingest, 2);
    Conditions.await("B's reader has fragment 2", () -> onB.ended(2));
    assertEquals(List.of(2L), onB.fragments(), "B's reader starts at the next fragment");
    assertEquals(List.of(0, 40, 80), onB.frameTimes());
    long published = a.framesPublished();
    assertEquals(3, published, "the frames of fragment 2");

    onB.subscription.cancel();
    Conditions.await("B stopped relaying and A publishing", () -> !b.relays(S) && !a.publishes(S));
    assertEquals(Set.of(), interest.announced("b"));
    assertEquals(0, b.readStreams(), "B keeps nothing of a stream it no longer reads");
    Reader onA = Reader.on(a, null);
    fragment(ingest, 3);
    Conditions.await("A's own reader has fragment 3", () -> onA.ended(3));
    assertEquals(published, a.framesPublished(), "no frame published after B's last reader left");
  }

  @Test
  void aReaderThatSubscribesAgainWithinTheLingerKeepsTheRelay() throws Exception {
    LiveRelay a = node("a", Set.of(S), feedsA, 50);
    LiveRelay b = node("b", Set.of(), feedsB, 60_000);
    a.owned(S);
    Reader first = Reader.on(b, null);
    Conditions.await("A publishes for B", () -> a.publishes(S));
    fragment(feedsA.feed(S), 1);
    Conditions.await("B's first subscription has fragment 1", () -> first.ended(1));
    first.subscription.cancel();
    Reader again = Reader.on(b, new FragmentNumber("1"));
    fragment(feedsA.feed(S), 2);
    Conditions.await("B's second subscription has fragment 2", () -> again.ended(2));
    assertEquals(List.of(2L), again.fragments());
    assertEquals(1, interest.announcements.get(), "B announced once");
    assertEquals(0, interest.withdrawals.get(), "B never withdrew");
  }

  @Test
  void theOwnerStopsPublishingWhenItLosesTheStream() throws Exception {
    Set<String> owned = ConcurrentHashMap.newKeySet();
    owned.add(S);
    LiveRelay a = new LiveRelay(vertx, "a", new Owning(owned), interest.node("a"), feedsA, null, 50);
    LiveRelay b = node("b", Set.of(), feedsB, 50);
    a.owned(S);
    Reader.on(b, null);
    Conditions.await("A publishes for B", () -> a.publishes(S) && b.relays(S));
    owned.remove(S);
    a.lost(S);
    Conditions.await("A stopped publishing", () -> !a.publishes(S));
  }

  // ---------------------------------------------------------------------------------------------

  static FragmentNumber n(long i) {
    return new FragmentNumber(String.valueOf(i));
  }

  static LiveEvent.FragmentStart start(long i) {
    // server timestamps of now: the feed's window holds the last 5 minutes
    return new LiveEvent.FragmentStart(n(i), NOW + i * 1000, i * 1000, i * 1000, Buffer.buffer("header"));
  }

  static LiveEvent.Frame frame(long i, int t) {
    return new LiveEvent.Frame(n(i), 1, t, t == 0 ? 0x80 : 0, Buffer.buffer(new byte[] {(byte) i, (byte) t}));
  }

  static LiveEvent.FragmentEnd end(long i) {
    ChunkHeader header = new ChunkHeader(n(i), NOW + i * 1000, i * 1000, 120, 0,
        List.of(new ChunkHeader.TrackSummary(1, "V_MPEG4/ISO/AVC", 3)), List.of(), 0, 6);
    return new LiveEvent.FragmentEnd(n(i), header, Buffer.buffer(), true);
  }

  static void fragment(LiveFeed feed, long i) {
    feed.publish(start(i));
    for (int t = 0; t <= 80; t += 40) {
      feed.publishImmutable(frame(i, t));
    }
    feed.publish(end(i));
  }

  /** A live reader on a node, recording what it gets. */
  static final class Reader {
    final List<LiveEvent> events = new CopyOnWriteArrayList<>();
    LiveSubscription subscription;

    static Reader on(LiveRelay node, FragmentNumber from) {
      Reader r = new Reader();
      // cut off only when the test's Vert.x closes
      r.subscription = node.feeds().feed(S).subscribe(from, r.events::add, c -> {});
      return r;
    }

    boolean ended(long i) {
      return events.stream().anyMatch(e -> e instanceof LiveEvent.FragmentEnd && e.number().equals(n(i)));
    }

    List<Long> fragments() {
      return events.stream().filter(e -> e instanceof LiveEvent.FragmentStart)
          .map(e -> Long.parseLong(e.number().value())).toList();
    }

    List<Integer> frameTimes() {
      return events.stream().filter(e -> e instanceof LiveEvent.Frame)
          .map(e -> assertInstanceOf(LiveEvent.Frame.class, e).relativeTimecode()).toList();
    }
  }

  /** The cluster-wide interest in memory: stream → members, each node seeing the others'. */
  static final class SharedInterest {
    final Map<String, Set<String>> members = new ConcurrentHashMap<>();
    final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    final AtomicInteger announcements = new AtomicInteger();
    final AtomicInteger withdrawals = new AtomicInteger();

    Set<String> announced(String member) {
      Set<String> streams = ConcurrentHashMap.newKeySet();
      members.forEach((stream, ms) -> {
        if (ms.contains(member)) {
          streams.add(stream);
        }
      });
      return streams;
    }

    LiveInterest node(String me) {
      return new LiveInterest() {
        @Override
        public void announce(String streamId) {
          if (!"a".equals(me)) {
            announcements.incrementAndGet();
          }
          members.computeIfAbsent(streamId, id -> ConcurrentHashMap.newKeySet()).add(me);
          listeners.forEach(l -> l.accept(streamId));
        }

        @Override
        public void withdraw(String streamId) {
          if (!"a".equals(me)) {
            withdrawals.incrementAndGet();
          }
          members.getOrDefault(streamId, Set.of()).remove(me);
          listeners.forEach(l -> l.accept(streamId));
        }

        @Override
        public boolean elsewhere(String streamId) {
          return members.getOrDefault(streamId, Set.of()).stream().anyMatch(m -> !m.equals(me));
        }

        @Override
        public void onChange(Consumer<String> listener) {
          listeners.add(listener);
        }
      };
    }
  }

  /** Ownership as a set: only {@link #owns} is asked by the relay. */
  record Owning(Set<String> owned) implements StreamOwners {
    @Override
    public boolean owns(String streamId) {
      return owned.contains(streamId);
    }

    @Override
    public Future<Boolean> claim(StreamInfo stream) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<Void> confirm(String streamId) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean writes(String streamId) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<String> endpoint(StreamInfo stream, String apiName) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void onLost(Consumer<String> listener) {}

    @Override
    public void onReleaseRequest(Predicate<String> releaser) {}
  }
}
