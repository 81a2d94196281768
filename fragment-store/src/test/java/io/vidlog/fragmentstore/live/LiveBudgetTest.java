package io.vidlog.fragmentstore.live;

import static io.vidlog.fragmentstore.live.MemoryLiveFeedsTest.expected;
import static io.vidlog.fragmentstore.live.MemoryLiveFeedsTest.fn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vidlog.fragmentstore.live.LiveFeed.CutOff;
import io.vidlog.fragmentstore.live.MemoryLiveFeedsTest.Recorder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The global byte budget of all live windows ({@link LiveFeedConfig#totalBytes()}, {@link LiveBudget}). */
class LiveBudgetTest {
  private static final int FRAMES = 5;
  /** Per-stream bounds that never bite in these tests, so only the global budget evicts. */
  private static final long HUGE = 1L << 40;
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

  private static LiveFeedConfig budget(long totalBytes) {
    return new LiveFeedConfig(HUGE, HUGE, 100_000, HUGE, totalBytes);
  }

  /** Publishes fragment {@code n}'s start and {@code frames} frames (payload: the 8-byte frame id). */
  private void publishOpen(LiveFeed feed, long n, int frames) {
    feed.publish(new LiveEvent.FragmentStart(fn(n), clock.get(), n * 1000, n * 1000, Buffer.buffer("hdr" + n)));
    Buffer reused = Buffer.buffer(new byte[8]);
    for (int i = 0; i < frames; i++) {
      reused.setLong(0, n * 1000 + i);
      feed.publish(new LiveEvent.Frame(fn(n), 1, i * 33, 0x80, reused));
    }
  }

  private void publishFragment(LiveFeed feed, long n) {
    publishOpen(feed, n, FRAMES);
    feed.publish(new LiveEvent.FragmentEnd(fn(n), null, Buffer.buffer("trailer"), false));
  }

  private static void onContext(Context ctx, Runnable r) throws Exception {
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

  /** Bytes one whole fragment 1..9 takes in a window (the header "hdrN" has one digit). */
  private long fragmentBytes() throws Exception {
    MemoryLiveFeeds probe = new MemoryLiveFeeds(vertx, budget(HUGE), clock::get);
    try {
      onContext(vertx.getOrCreateContext(), () -> publishFragment(probe.feed("probe"), 1));
      return probe.windowBytes("probe");
    } finally {
      probe.close();
    }
  }

  private long sumOfWindows(MemoryLiveFeeds f, List<String> streams) {
    return streams.stream().mapToLong(f::windowBytes).sum();
  }

  @Test
  void manyStreamsStayWithinTheBudgetPlusOneOpenFragmentPerStream() throws Exception {
    long fragment = fragmentBytes();
    long total = 5 * fragment + fragment / 2; // less than 20 open fragments: they alone overrun it
    MemoryLiveFeeds f = feeds(budget(total));
    List<String> streams = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      streams.add("cam" + i);
    }
    Context publisher = vertx.getOrCreateContext();
    long maxHeld = 0;
    for (long n = 1; n <= 9; n++) {
      long fragmentNumber = n;
      // Every stream has a fragment open at once: the budget may be overrun by those only.
      onContext(publisher, () -> streams.forEach(s -> publishOpen(f.feed(s), fragmentNumber, FRAMES)));
      maxHeld = Math.max(maxHeld, f.heldBytes());
      assertTrue(f.heldBytes() <= total + streams.size() * fragment, f.heldBytes() + " bytes held");
      assertEquals(sumOfWindows(f, streams), f.heldBytes());
      onContext(publisher, () -> streams.forEach(s -> f.feed(s).publish(
          new LiveEvent.FragmentEnd(fn(fragmentNumber), null, Buffer.buffer("trailer"), false))));
      assertTrue(f.heldBytes() <= total, "no open fragment left: within budget, " + f.heldBytes());
      assertEquals(sumOfWindows(f, streams), f.heldBytes());
    }
    assertTrue(maxHeld > total, "the test must overrun the budget with open fragments");
    long held = streams.stream().mapToLong(f::windowFragments).sum();
    assertTrue(held >= 1 && held <= 5, held + " fragments held");
    assertEquals(20 * 9 - held, f.budgetEvictions(), "every fragment not held was evicted by the budget");
    assertEquals(held * fragment, f.heldBytes());
    assertEquals(0, f.evictions(EvictionReason.AGE) + f.evictions(EvictionReason.WINDOW_BYTES));
    // The survivors are the newest: the last streams to end fragment 9, none before them.
    for (int i = 0; i < 20; i++) {
      assertEquals(i < 20 - held ? 0 : 1, f.windowFragments("cam" + i), "cam" + i);
    }
  }

  @Test
  void oldestClosedFragmentsAcrossStreamsAreEvictedFirst() throws Exception {
    long fragment = fragmentBytes();
    MemoryLiveFeeds f = feeds(budget(4 * fragment + fragment / 2));
    Context publisher = vertx.getOrCreateContext();
    // Closing order a1 b1 c1 a2 b2 c2: room for four, so a1 then b1 go.
    onContext(publisher, () -> {
      for (long n = 1; n <= 2; n++) {
        publishFragment(f.feed("a"), n);
        publishFragment(f.feed("b"), n);
        publishFragment(f.feed("c"), n);
      }
    });
    assertEquals(1, f.windowFragments("a"));
    assertEquals(1, f.windowFragments("b"));
    assertEquals(2, f.windowFragments("c"));
    assertEquals(4 * fragment, f.heldBytes());
    assertEquals(2, f.budgetEvictions());

    // Then c1, then a2 — also when only b publishes and the others went quiet.
    onContext(publisher, () -> publishFragment(f.feed("b"), 3));
    assertEquals(1, f.windowFragments("a"));
    assertEquals(2, f.windowFragments("b"));
    assertEquals(1, f.windowFragments("c"));
    onContext(publisher, () -> publishFragment(f.feed("b"), 4));
    assertEquals(0, f.windowFragments("a"));
    assertEquals(3, f.windowFragments("b"));
    assertEquals(1, f.windowFragments("c"));
    assertEquals(4, f.budgetEvictions());

    Recorder r = new Recorder(vertx.getOrCreateContext(), 1);
    r.subscribe(f.feed("a"), fn(1));
    CutOff c = r.cut.get(10, TimeUnit.SECONDS);
    assertEquals(CutOff.Reason.BEHIND_WINDOW, c.reason(), "a2 was evicted: resume from the store");
    assertEquals(fn(1), c.lastDelivered());
  }

  @Test
  void theOpenFragmentIsNeverEvictedEvenPastTheBudget() throws Exception {
    long fragment = fragmentBytes();
    MemoryLiveFeeds f = feeds(budget(fragment));
    Context publisher = vertx.getOrCreateContext();
    int frames = 100; // far more than the budget, while open
    CompletableFuture<Void> allFrames = new CompletableFuture<>();
    Recorder reader = new Recorder(vertx.getOrCreateContext(), 1) {
      @Override
      void on(LiveEvent e) {
        super.on(e);
        if (events.size() == 1 + frames) {
          allFrames.complete(null);
        }
      }
    };
    reader.subscribe(f.feed("big"), null);
    onContext(publisher, () -> publishOpen(f.feed("big"), 1, frames));
    assertTrue(f.windowBytes("big") > fragment);
    // Other streams close fragments meanwhile: theirs are the only evictable ones.
    onContext(publisher, () -> {
      for (long n = 1; n <= 5; n++) {
        publishFragment(f.feed("small"), n);
      }
    });
    assertEquals(1, f.windowFragments("big"));
    assertEquals(0, f.windowFragments("small"), "closed and over budget: evicted at once");
    assertEquals(5, f.budgetEvictions());
    assertEquals(f.windowBytes("big"), f.heldBytes());
    allFrames.get(10, TimeUnit.SECONDS);
    assertEquals(1, f.subscribers(), "the open fragment's reader was not cut off");
    onContext(publisher, () -> f.feed("big").publish(
        new LiveEvent.FragmentEnd(fn(1), null, Buffer.buffer("trailer"), false)));
    // Once closed it is evictable like any other.
    assertEquals(0, f.windowFragments("big"));
    assertEquals(0, f.heldBytes());
    assertEquals(6, f.budgetEvictions());
    // It read every frame while the fragment was open (then its end, or the cut-off of the eviction).
    assertEquals("S1:hdr1", reader.events.get(0));
    for (int i = 0; i < frames; i++) {
      assertEquals("F1:" + (1000 + i), reader.events.get(1 + i));
    }
  }

  /** A reader paused in fragment 1 of stream "a"; {@code evict} then makes fragment 1 leave the window. */
  private CutOff cutOffOfReaderInEvictedFragment(LiveFeedConfig config, String evictingStream) throws Exception {
    MemoryLiveFeeds f = feeds(config);
    Context publisher = vertx.getOrCreateContext();
    onContext(publisher, () -> {
      for (long n = 1; n <= 3; n++) {
        publishFragment(f.feed("a"), n);
      }
    });
    assertEquals(3, f.windowFragments("a"));
    CompletableFuture<Void> firstEvent = new CompletableFuture<>();
    Recorder paused = new Recorder(vertx.getOrCreateContext(), 3) {
      @Override
      void on(LiveEvent e) {
        super.on(e);
        sub.pause(); // its socket is full after the first event
        firstEvent.complete(null);
      }
    };
    paused.subscribe(f.feed("a"), fn(0));
    firstEvent.get(10, TimeUnit.SECONDS);
    onContext(publisher, () -> publishFragment(f.feed(evictingStream), 4));
    CutOff c = paused.cut.get(10, TimeUnit.SECONDS);
    assertEquals(List.of("S1:hdr1"), paused.events);
    assertFalse(paused.wrongContext);
    assertEquals(evictingStream.equals("a") ? 3 : 2, f.windowFragments("a"));
    assertEquals(1, f.cutOffs(CutOff.Reason.BEHIND_WINDOW));
    // The next fragments are still read from the window by a reader after the evicted one.
    Recorder after = new Recorder(vertx.getOrCreateContext(), 2);
    after.subscribe(f.feed("a"), fn(1));
    after.done.get(10, TimeUnit.SECONDS);
    assertEquals(expected(2, 3, false), List.copyOf(after.events).subList(0, 2 * (FRAMES + 2)));
    f.close();
    feeds = null;
    return c;
  }

  @Test
  void aReaderInAFragmentEvictedByTheBudgetIsCutOffAsByThePerStreamWindow() throws Exception {
    long fragment = fragmentBytes();
    long room = 3 * fragment + fragment / 2;
    CutOff perStream = cutOffOfReaderInEvictedFragment(new LiveFeedConfig(HUGE, room, 100_000, HUGE, HUGE), "a");
    CutOff global = cutOffOfReaderInEvictedFragment(budget(room), "b"); // another stream's fragment tips it
    assertEquals(CutOff.Reason.BEHIND_WINDOW, perStream.reason());
    assertEquals(fn(0), perStream.lastDelivered(), "fragment 1 was not finished: resume after 0");
    assertEquals(perStream, global);
  }

  @Test
  void evictionsAreCountedByReason() throws Exception {
    long fragment = fragmentBytes();
    MemoryLiveFeeds f = feeds(new LiveFeedConfig(60_000, 2 * fragment, 100_000, HUGE, 3 * fragment - 1));
    Context publisher = vertx.getOrCreateContext();
    onContext(publisher, () -> {
      for (long n = 1; n <= 3; n++) {
        publishFragment(f.feed("a"), n); // a's own window holds two: a1 goes for WINDOW_BYTES
      }
      publishFragment(f.feed("b"), 1); // three in total: a2 goes for the budget
    });
    assertEquals(1, f.evictions(EvictionReason.WINDOW_BYTES));
    assertEquals(1, f.evictions(EvictionReason.GLOBAL_BUDGET));
    assertEquals(1, f.windowFragments("a"));
    assertEquals(1, f.windowFragments("b"));
    clock.addAndGet(60_001); // a3 and b1 are now too old (by the next start or the idle timer)
    onContext(publisher, () -> {
      publishOpen(f.feed("a"), 4, 0);
      publishOpen(f.feed("b"), 2, 0);
    });
    assertEquals(2, f.evictions(EvictionReason.AGE));
    assertEquals(1, f.evictions(EvictionReason.WINDOW_BYTES));
    assertEquals(1, f.evictions(EvictionReason.GLOBAL_BUDGET));
    assertEquals(1, f.windowFragments("a"), "only the open fragment");
    assertEquals(1, f.windowFragments("b"), "only the open fragment");
  }

  @Test
  void concurrentPublishersNeverWaitAndTheTotalStaysConsistent() throws Exception {
    long fragment = fragmentBytes();
    long total = 16 * fragment;
    MemoryLiveFeeds f = feeds(budget(total));
    int publishers = 4;
    int streamsEach = 5;
    int fragments = 200;
    List<String> streams = new ArrayList<>();
    // A reader that never reads again on every stream: eviction cuts it off, it never slows anyone.
    List<Recorder> stalled = new ArrayList<>();
    for (int p = 0; p < publishers; p++) {
      for (int s = 0; s < streamsEach; s++) {
        String id = "p" + p + "s" + s;
        streams.add(id);
        Recorder r = new Recorder(vertx.getOrCreateContext(), 1) {
          @Override
          void on(LiveEvent e) {
            super.on(e);
            sub.pause();
          }
        };
        r.subscribe(f.feed(id), null);
        stalled.add(r);
      }
    }
    List<CompletableFuture<Void>> done = new ArrayList<>();
    for (int p = 0; p < publishers; p++) {
      int owner = p;
      CompletableFuture<Void> d = new CompletableFuture<>();
      done.add(d);
      vertx.getOrCreateContext().runOnContext(v -> {
        try {
          for (long n = 1; n <= fragments; n++) {
            for (int s = 0; s < streamsEach; s++) {
              LiveFeed feed = f.feed("p" + owner + "s" + s);
              publishOpen(feed, n % 9 + 1, FRAMES); // equal sizes; numbers need not grow here
              feed.publish(new LiveEvent.FragmentEnd(fn(n % 9 + 1), null, Buffer.buffer("trailer"), false));
            }
          }
          d.complete(null);
        } catch (Throwable t) {
          d.completeExceptionally(t);
        }
      });
    }
    for (CompletableFuture<Void> d : done) {
      assertNull(d.get(30, TimeUnit.SECONDS));
    }
    assertTrue(f.heldBytes() <= total, f.heldBytes() + " held");
    assertEquals(sumOfWindows(f, streams), f.heldBytes());
    long held = streams.stream().mapToLong(f::windowFragments).sum();
    assertEquals(publishers * streamsEach * fragments - held, f.budgetEvictions());
    for (Recorder r : stalled) {
      assertEquals(CutOff.Reason.BEHIND_WINDOW, r.cut.get(10, TimeUnit.SECONDS).reason());
    }
    f.sweepBudget();
    assertEquals(held, f.budgetQueue(), "only fragments still held stay queued");
    f.drop("p0s0");
    f.drop("p1s1");
    assertEquals(sumOfWindows(f, streams), f.heldBytes(), "dropped windows give their bytes back");
  }

  @Test
  void defaultBudgetIsAQuarterOfTheHeapWithinFloorAndCap() {
    long want = Math.max(LiveFeedConfig.DEFAULT_TOTAL_BYTES_FLOOR,
        Math.min(Runtime.getRuntime().maxMemory() / 4, LiveFeedConfig.DEFAULT_TOTAL_BYTES_CAP));
    assertEquals(want, LiveFeedConfig.defaultTotalBytes());
    assertEquals(want, LiveFeedConfig.DEFAULT.totalBytes());
    assertEquals(want, new LiveFeedConfig(1, 1, 1, 1).totalBytes(), "the per-stream constructor keeps working");
    assertEquals(123, LiveFeedConfig.DEFAULT.withTotalBytes(123).totalBytes());
    assertThrows(IllegalArgumentException.class, () -> LiveFeedConfig.DEFAULT.withTotalBytes(0));
  }
}
