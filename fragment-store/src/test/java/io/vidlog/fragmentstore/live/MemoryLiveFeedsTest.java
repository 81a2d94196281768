package io.vidlog.fragmentstore.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.live.LiveFeed.CutOff;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class MemoryLiveFeedsTest {
  private static final int FRAMES = 5;
  private Vertx vertx;
  private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
  private MemoryLiveFeeds feeds;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(4));
  }

  @AfterEach
  void tearDown() throws Exception {
    if (feeds != null) {
      feeds.close();
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private MemoryLiveFeeds feeds(LiveFeedConfig config) {
    feeds = new MemoryLiveFeeds(vertx, config, clock::get);
    return feeds;
  }

  static FragmentNumber fn(long n) {
    return FragmentNumber.parse(String.format("%022d", n));
  }

  /** Publishes one whole fragment: start, FRAMES frames (payload = 8-byte frame id, buffer reused), end. */
  void publishFragment(LiveFeed feed, long n, boolean persisted) {
    publishStart(feed, n);
    publishFrames(feed, n, FRAMES);
    feed.publish(new LiveEvent.FragmentEnd(fn(n), null, Buffer.buffer("trailer"), persisted));
  }

  void publishStart(LiveFeed feed, long n) {
    feed.publish(new LiveEvent.FragmentStart(fn(n), clock.get(), n * 1000, n * 1000, Buffer.buffer("hdr" + n)));
  }

  private final Buffer reused = Buffer.buffer(new byte[8]);

  void publishFrames(LiveFeed feed, long n, int count) {
    for (int i = 0; i < count; i++) {
      reused.setLong(0, n * 1000 + i);
      feed.publish(new LiveEvent.Frame(fn(n), 1, i * 33, 0x80, reused));
      reused.setLong(0, -1); // the feed must have copied it
    }
  }

  /** Records events on its own context and checks that every call comes on that context. */
  static class Recorder {
    final List<String> events = new CopyOnWriteArrayList<>();
    final CompletableFuture<CutOff> cut = new CompletableFuture<>();
    final Context context;
    volatile LiveSubscription sub;
    volatile boolean wrongContext;
    final CompletableFuture<Void> done = new CompletableFuture<>();
    final int expectedEnds;
    final java.util.concurrent.Semaphore endSignals = new java.util.concurrent.Semaphore(0);
    int ends;

    Recorder(Context context, int expectedEnds) {
      this.context = context;
      this.expectedEnds = expectedEnds;
    }

    void subscribe(LiveFeed feed, FragmentNumber from) throws Exception {
      CompletableFuture<Void> ready = new CompletableFuture<>();
      context.runOnContext(v -> {
        sub = feed.subscribe(from, this::on, c -> {
          wrongContext |= Vertx.currentContext() != context;
          cut.complete(c);
        });
        ready.complete(null);
      });
      ready.get(10, TimeUnit.SECONDS);
    }

    void on(LiveEvent e) {
      wrongContext |= Vertx.currentContext() != context;
      events.add(describe(e));
      if (e instanceof LiveEvent.FragmentEnd) {
        endSignals.release();
        if (++ends == expectedEnds) {
          done.complete(null);
        }
      }
    }
  }

  static String describe(LiveEvent e) {
    long n = Long.parseLong(e.number().value());
    if (e instanceof LiveEvent.FragmentStart s) {
      return "S" + n + ":" + s.mkvHeader().toString();
    } else if (e instanceof LiveEvent.Frame f) {
      return "F" + n + ":" + f.payload().getLong(0);
    } else if (e instanceof LiveEvent.FragmentEnd end) {
      return "E" + n + (end.persisted() ? "" : ":mem");
    }
    return "A" + n;
  }

  static List<String> expected(long from, long to, boolean persisted) {
    List<String> out = new ArrayList<>();
    for (long n = from; n <= to; n++) {
      out.add("S" + n + ":hdr" + n);
      for (int i = 0; i < FRAMES; i++) {
        out.add("F" + n + ":" + (n * 1000 + i));
      }
      out.add("E" + n + (persisted ? "" : ":mem"));
    }
    return out;
  }

  private void onContext(Context ctx, Runnable r) throws Exception {
    CompletableFuture<Void> f = new CompletableFuture<>();
    ctx.runOnContext(v -> {
      try {
        r.run();
        f.complete(null);
      } catch (Throwable t) {
        f.completeExceptionally(t);
      }
    });
    f.get(10, TimeUnit.SECONDS);
  }

  @Test
  void nowSubscriberGetsWholeFragmentsInOrderOnItsOwnContext() throws Exception {
    LiveFeed feed = feeds(LiveFeedConfig.DEFAULT).feed("s1");
    Context publisher = vertx.getOrCreateContext();
    Recorder r = new Recorder(vertx.getOrCreateContext(), 3);
    onContext(publisher, () -> {
      publishFragment(feed, 1, true);
      publishStart(feed, 2);
      publishFrames(feed, 2, 2);
    });
    r.subscribe(feed, null); // NOW: joins at the next fragment that starts, not in the middle of 2
    onContext(publisher, () -> {
      publishFrames(feed, 2, 3);
      feed.publish(new LiveEvent.FragmentEnd(fn(2), null, Buffer.buffer(), true));
      for (long n = 3; n <= 5; n++) {
        publishFragment(feed, n, true);
      }
    });
    r.done.get(10, TimeUnit.SECONDS);
    assertEquals(expected(3, 5, true), r.events);
    assertFalse(r.wrongContext);
    assertEquals(fn(5), feed.lastEnded());
  }

  @Test
  void subscriberStartsFromARecentFragmentInTheWindowIncludingRetentionZero() throws Exception {
    LiveFeed feed = feeds(LiveFeedConfig.DEFAULT).feed("s1");
    Context publisher = vertx.getOrCreateContext();
    onContext(publisher, () -> {
      for (long n = 1; n <= 4; n++) {
        publishFragment(feed, n, false); // retention 0: only the window has them
      }
      publishStart(feed, 5);
      publishFrames(feed, 5, 2);
    });
    Recorder r = new Recorder(vertx.getOrCreateContext(), 4);
    r.subscribe(feed, fn(1));
    Recorder open = new Recorder(vertx.getOrCreateContext(), 1);
    open.subscribe(feed, fn(4)); // the open fragment 5 is replayed from its start
    Recorder future = new Recorder(vertx.getOrCreateContext(), 1);
    future.subscribe(feed, fn(5)); // nothing after 5 yet: waits for 6
    onContext(publisher, () -> {
      publishFrames2(feed);
      publishFragment(feed, 6, false);
    });
    r.done.get(10, TimeUnit.SECONDS);
    future.done.get(10, TimeUnit.SECONDS);
    List<String> want = expected(2, 5, false);
    assertEquals(want, List.copyOf(r.events).subList(0, want.size()));
    assertEquals(expected(5, 5, false), List.copyOf(open.events).subList(0, FRAMES + 2));
    assertEquals(expected(6, 6, false), future.events);
    assertFalse(r.wrongContext || open.wrongContext || future.wrongContext);
  }

  private void publishFrames2(LiveFeed feed) {
    for (int i = 2; i < FRAMES; i++) {
      reused.setLong(0, 5 * 1000 + i);
      feed.publish(new LiveEvent.Frame(fn(5), 1, i * 33, 0x80, reused));
    }
    feed.publish(new LiveEvent.FragmentEnd(fn(5), null, Buffer.buffer(), false));
  }

  @Test
  void windowIsBoundedByBytesAndAgeAndOlderStartsAreBehindTheWindow() throws Exception {
    // Each fragment is about 64+3 + 5*(8+24) + 256 = 483 bytes: a 1,500-byte window holds 3.
    MemoryLiveFeeds f = feeds(new LiveFeedConfig(60_000, 1_500, 1_000, 1 << 20));
    LiveFeed feed = f.feed("s1");
    Context publisher = vertx.getOrCreateContext();
    onContext(publisher, () -> {
      for (long n = 1; n <= 10; n++) {
        publishFragment(feed, n, true);
      }
    });
    assertEquals(3, f.windowFragments("s1"));
    assertTrue(f.windowBytes("s1") <= 1_500);
    Recorder behind = new Recorder(vertx.getOrCreateContext(), 1);
    behind.subscribe(feed, fn(5));
    CutOff c = behind.cut.get(10, TimeUnit.SECONDS);
    assertEquals(CutOff.Reason.BEHIND_WINDOW, c.reason());
    assertEquals(fn(5), c.lastDelivered(), "resume from the store after the subscriber's own position");
    assertTrue(behind.events.isEmpty());

    Recorder inWindow = new Recorder(vertx.getOrCreateContext(), 3);
    inWindow.subscribe(feed, fn(7));
    inWindow.done.get(10, TimeUnit.SECONDS);
    assertEquals(expected(8, 10, true), inWindow.events);

    clock.addAndGet(60_001); // the window's fragments are now too old
    onContext(publisher, () -> publishStart(feed, 11));
    assertEquals(1, f.windowFragments("s1"), "only the open fragment remains");
    assertEquals(1, f.cutOffs(CutOff.Reason.BEHIND_WINDOW));
  }

  @Test
  void slowConsumerIsCutOffWithoutSlowingThePublisherOrOtherSubscribers() throws Exception {
    MemoryLiveFeeds f = feeds(new LiveFeedConfig(60_000, 1 << 30, 50, 1 << 20));
    LiveFeed feed = f.feed("s1");
    Context publisher = vertx.getOrCreateContext();
    Recorder slow = new Recorder(vertx.getOrCreateContext(), 1) {
      @Override
      void on(LiveEvent e) {
        super.on(e);
        if (e instanceof LiveEvent.FragmentEnd) {
          sub.pause(); // its socket is full after the first fragment and never drains
        }
      }
    };
    slow.subscribe(feed, null);
    Recorder fast = new Recorder(vertx.getOrCreateContext(), 20);
    fast.subscribe(feed, null);
    onContext(publisher, () -> publishFragment(feed, 1, true));
    // Wait until the slow reader has paused after fragment 1.
    slow.done.get(10, TimeUnit.SECONDS);
    // The publisher goes on at the pace of the fast reader (like a camera); every publish call returns
    // although the slow reader never reads again, and the slow one is cut off once 50 events are queued.
    assertTrue(fast.endSignals.tryAcquire(1, 10, TimeUnit.SECONDS));
    for (long n = 2; n <= 20; n++) {
      long fragment = n;
      onContext(publisher, () -> publishFragment(feed, fragment, true));
      assertTrue(fast.endSignals.tryAcquire(1, 10, TimeUnit.SECONDS));
    }
    CutOff c = slow.cut.get(10, TimeUnit.SECONDS);
    assertEquals(CutOff.Reason.SLOW_CONSUMER, c.reason());
    assertEquals(fn(1), c.lastDelivered());
    assertEquals(expected(1, 1, true), slow.events);
    fast.done.get(10, TimeUnit.SECONDS);
    assertEquals(expected(1, 20, true), fast.events);
    assertEquals(1, f.cutOffs(CutOff.Reason.SLOW_CONSUMER));
    assertEquals(1, f.subscribers());
  }

  @Test
  void pauseAndResumeLoseNothingWithinTheBound() throws Exception {
    LiveFeed feed = feeds(LiveFeedConfig.DEFAULT).feed("s1");
    Context publisher = vertx.getOrCreateContext();
    Recorder r = new Recorder(vertx.getOrCreateContext(), 4) {
      @Override
      void on(LiveEvent e) {
        super.on(e);
        if (e instanceof LiveEvent.Frame) {
          sub.pause();
          context.owner().setTimer(1, t -> sub.resume()); // like a socket drain handler
        }
      }
    };
    r.subscribe(feed, null);
    onContext(publisher, () -> {
      for (long n = 1; n <= 4; n++) {
        publishFragment(feed, n, true);
      }
    });
    r.done.get(10, TimeUnit.SECONDS);
    assertEquals(expected(1, 4, true), r.events);
  }

  @Test
  void abortedFragmentReachesLiveReadersAndIsSkippedByLaterStarts() throws Exception {
    LiveFeed feed = feeds(LiveFeedConfig.DEFAULT).feed("s1");
    Context publisher = vertx.getOrCreateContext();
    Recorder live = new Recorder(vertx.getOrCreateContext(), 2);
    live.subscribe(feed, null);
    onContext(publisher, () -> {
      publishFragment(feed, 1, true);
      publishStart(feed, 2);
      publishFrames(feed, 2, 1);
      feed.publish(new LiveEvent.FragmentAborted(fn(2), "bad timecode"));
      publishFragment(feed, 3, true);
    });
    live.done.get(10, TimeUnit.SECONDS);
    List<String> want = new ArrayList<>(expected(1, 1, true));
    want.addAll(List.of("S2:hdr2", "F2:2000", "A2"));
    want.addAll(expected(3, 3, true));
    assertEquals(want, live.events);
    Recorder later = new Recorder(vertx.getOrCreateContext(), 1);
    later.subscribe(feed, fn(1));
    later.done.get(10, TimeUnit.SECONDS);
    assertEquals(expected(3, 3, true), later.events);
    assertEquals(fn(3), feed.lastEnded());
  }

  @Test
  void dropCutsOffWithStreamDeletedCloseWithShutdownAndCancelStopsDelivery() throws Exception {
    MemoryLiveFeeds f = feeds(LiveFeedConfig.DEFAULT);
    LiveFeed a = f.feed("a");
    LiveFeed b = f.feed("b");
    Context publisher = vertx.getOrCreateContext();
    onContext(publisher, () -> publishFragment(a, 1, true));
    Recorder ra = new Recorder(vertx.getOrCreateContext(), 1);
    ra.subscribe(a, fn(0));
    ra.done.get(10, TimeUnit.SECONDS);
    Recorder rb = new Recorder(vertx.getOrCreateContext(), 1);
    rb.subscribe(b, null);
    Recorder cancelled = new Recorder(vertx.getOrCreateContext(), 1);
    cancelled.subscribe(b, null);
    onContext(cancelled.context, () -> cancelled.sub.cancel());
    // a fragment after the cancel: the other subscriber of b gets it, the cancelled one must not
    onContext(publisher, () -> publishFragment(b, 1, true));
    rb.done.get(10, TimeUnit.SECONDS);
    assertEquals(expected(1, 1, true), rb.events);
    f.drop("a");
    CutOff ca = ra.cut.get(10, TimeUnit.SECONDS);
    assertEquals(CutOff.Reason.STREAM_DELETED, ca.reason());
    assertEquals(fn(1), ca.lastDelivered());
    assertNull(f.lastEnded("a"));
    onContext(publisher, () -> publishFragment(a, 2, true)); // a stale handle: dropped silently
    f.close();
    assertEquals(CutOff.Reason.SHUTDOWN, rb.cut.get(10, TimeUnit.SECONDS).reason());
    // The cancelled subscriber heard neither the fragment nor the shutdown: both were handed to its
    // context before this round trip on it, had it still been subscribed.
    onContext(cancelled.context, () -> {});
    assertFalse(cancelled.cut.isDone());
    assertTrue(cancelled.events.isEmpty());
  }

  @Test
  void concurrentPublisherAndSubscribersOnDifferentEventLoops(VertxTestContext ignored) throws Exception {
    LiveFeed feed = feeds(new LiveFeedConfig(60_000, 1 << 30, 100_000, 1 << 30)).feed("s1");
    Context publisher = vertx.getOrCreateContext();
    int fragments = 300;
    List<Recorder> readers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Recorder r = new Recorder(vertx.getOrCreateContext(), fragments);
      r.subscribe(feed, fn(0));
      readers.add(r);
    }
    AtomicReference<Throwable> error = new AtomicReference<>();
    publisher.runOnContext(v -> {
      try {
        for (long n = 1; n <= fragments; n++) {
          publishFragment(feed, n, true);
        }
      } catch (Throwable t) {
        error.set(t);
      }
    });
    // A fourth reader joins while the publisher runs, from the window.
    Recorder late = new Recorder(vertx.getOrCreateContext(), fragments);
    late.subscribe(feed, fn(0));
    List<String> want = expected(1, fragments, true);
    for (Recorder r : readers) {
      r.done.get(30, TimeUnit.SECONDS);
      assertEquals(want, r.events);
      assertFalse(r.wrongContext);
      assertFalse(r.cut.isDone());
    }
    late.done.get(30, TimeUnit.SECONDS);
    assertEquals(want, late.events);
    assertNull(error.get());
    ignored.completeNow();
  }
}
