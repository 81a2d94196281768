package io.vidlog.fragmentstore.index;

import static io.vidlog.fragmentstore.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class SegmentCacheTest {
  private final AtomicInteger reads = new AtomicInteger();

  private static StreamIndex segment(int n) {
    StreamIndex ix = new StreamIndex("s", n);
    StreamIndexTest.scenario(n, n).forEach(ix::append);
    return ix;
  }

  private Supplier<Future<StreamIndex>> loader(int n) {
    return () -> {
      reads.incrementAndGet();
      return Future.succeededFuture(segment(n));
    };
  }

  @Test
  void evictsTheLeastRecentlyUsedPastItsBytes() {
    long one = segment(100).retainedBytes() + 300;
    SegmentCache cache = new SegmentCache(3 * one);
    for (int i = 0; i < 3; i++) {
      await(cache.get("k" + i, null, loader(100)));
    }
    assertEquals(3, cache.segments());
    await(cache.get("k0", null, loader(100))); // k0 is now the most recent
    await(cache.get("k3", null, loader(100))); // evicts k1
    assertEquals(4, reads.get());
    await(cache.get("k0", null, loader(100)));
    await(cache.get("k2", null, loader(100)));
    assertEquals(4, reads.get(), "k0 and k2 stayed");
    await(cache.get("k1", null, loader(100)));
    assertEquals(5, reads.get(), "k1 was evicted");
    assertTrue(cache.bytes() <= cache.capacityBytes(), cache.bytes() + " > " + cache.capacityBytes());
    assertEquals(5, cache.misses());
    assertEquals(3, cache.hits());
    assertEquals(5, cache.loads());
    assertEquals(2, cache.evictions());
  }

  @Test
  void aCacheOfNothingStillAnswersEachQuery() {
    SegmentCache cache = new SegmentCache(0);
    StreamIndex a = await(cache.get("k", null, loader(10)));
    StreamIndex b = await(cache.get("k", null, loader(10)));
    assertEquals(a.records(), b.records());
    assertEquals(2, reads.get());
    assertEquals(0, cache.bytes());
    assertEquals(0, cache.segments());
  }

  @Test
  void concurrentMissesShareOneLoad() {
    SegmentCache cache = new SegmentCache(1 << 20);
    Promise<StreamIndex> slow = Promise.promise();
    List<Future<StreamIndex>> waiting = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      waiting.add(cache.get("k", null, () -> {
        reads.incrementAndGet();
        return slow.future();
      }));
    }
    assertEquals(1, reads.get());
    assertFalse(waiting.get(4).isComplete());
    StreamIndex seg = segment(10);
    slow.complete(seg);
    waiting.forEach(f -> assertSame(seg, await(f)));
    assertEquals(1, cache.loads());
    List<Long> latencies = new ArrayList<>();
    cache.onLoad(latencies::add);
    await(cache.get("other", null, loader(3)));
    assertEquals(1, latencies.size());
  }

  @Test
  void aFailedLoadIsNotKeptAndADifferentLowerBoundLoadsAgain() {
    SegmentCache cache = new SegmentCache(1 << 20);
    Future<StreamIndex> failed = cache.get("k", null, () -> Future.failedFuture(new IllegalStateException("down")));
    assertTrue(failed.failed());
    assertEquals(1, cache.loadFailures());
    await(cache.get("k", null, loader(10)));
    assertEquals(1, reads.get());
    NumberKey floor = NumberKey.of(StreamIndexTest.num(3));
    await(cache.get("k", floor, loader(10)));
    assertEquals(2, reads.get(), "decoded under another bound: read again");
    await(cache.get("k", floor, loader(10)));
    assertEquals(2, reads.get());
    cache.invalidate("k");
    assertEquals(0, cache.segments());
    assertEquals(0, cache.bytes());
  }
}
