package io.vidlog.fragmentstore.index;

import static io.vidlog.fragmentstore.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.FragmentNumbers;
import io.vidlog.fragmentstore.FragmentRecord;
import io.vidlog.fragmentstore.chunk.ChunkHeader;
import io.vidlog.fragmentstore.index.TimeIndex.Page;
import io.vidlog.fragmentstore.index.TimeIndex.TimestampKind;
import io.vidlog.fragmentstore.object.MemoryObjectStore;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.fragmentstore.testing.MemoryArchive;
import io.vidlog.fragmentstore.testing.TestSealer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The durable index, whose segments live in the store and pass through a bounded cache, answers
 * every query exactly as one in-memory {@link StreamIndex} holding every entry does: appends,
 * partial and forced flushes, retention (whole and partial segments, through both entry points),
 * restarts that rebuild from the store, and a lost summary object, with segments of every size and
 * a cache that holds everything or nothing.
 */
class TimeIndexOracleTest {
  static final StreamInfo STREAM = ObjectStoreTimeIndexTest.STREAM;

  static Stream<Arguments> setups() {
    return Stream.of(
        Arguments.of(1_000, IndexConfig.defaultCacheBytes(), 1L),
        Arguments.of(64, 1L << 20, 2L),
        Arguments.of(7, 0L, 3L),
        Arguments.of(3, 0L, 4L),
        Arguments.of(16, 40_000L, 5L));
  }

  private final MemoryObjectStore memory = new MemoryObjectStore();
  private final CountingStore store = new CountingStore(memory);
  private final TestSealer sealer = new TestSealer();

  /**
   * Headers 2 s apart by server time whose producer timestamps mostly follow but jump back a
   * little (3 %), repeat (3 %), jump to a single point in the past (2 %, an offline upload), move
   * the whole clock back (1 %, a replay) or forward an hour (1 %).
   */
  static List<ChunkHeader> headers(int n, long seed) {
    Random rnd = new Random(seed);
    List<ChunkHeader> out = new ArrayList<>();
    long producer = 5_000_000;
    for (int i = 0; i < n; i++) {
      int r = rnd.nextInt(100);
      long p;
      if (r < 3) {
        producer -= rnd.nextInt(30_000);
        p = producer;
      } else if (r < 6) {
        p = producer;
      } else if (r < 8) {
        p = rnd.nextInt(5_000_000);
      } else if (r < 9) {
        producer -= 1_000_000 + rnd.nextInt(3_000_000);
        p = producer;
      } else if (r < 10) {
        producer += 3_600_000;
        p = producer;
      } else {
        producer += 2_000;
        p = producer;
      }
      int d = 1_000 + rnd.nextInt(2_000);
      List<ChunkHeader.TrackSummary> tracks = List.of(new ChunkHeader.TrackSummary(1, "V_MPEG4/ISO/AVC", 50));
      List<ChunkHeader.Metadata> meta = i % 11 == 0 ? List.of(new ChunkHeader.Metadata("k", "v")) : List.of();
      out.add(new ChunkHeader(StreamIndexTest.num(i), StreamIndexTest.T0 + i * 2_000L, p, d, p, tracks, meta, 300,
          50_000 + rnd.nextInt(100_000)));
    }
    return out;
  }

  @ParameterizedTest(name = "segments of {0}, cache of {1} bytes, seed {2}")
  @MethodSource("setups")
  void everyQueryEqualsOneIndexHoldingEverything(int segmentSize, long cacheBytes, long seed) {
    IndexConfig config = new IndexConfig(segmentSize, 2, 4, cacheBytes);
    Random rnd = new Random(seed);
    List<ChunkHeader> hs = headers(2_500, seed);
    MemoryArchive archive = new MemoryArchive(store);
    StreamIndex truth = new StreamIndex("truth");
    List<FragmentRecord> expired = new ArrayList<>();
    FragmentNumber floor = null;
    ObjectStoreTimeIndex ix = new ObjectStoreTimeIndex(store, sealer, archive, config);
    int next = 0;
    while (next < hs.size()) {
      int batch = Math.min(hs.size() - next, 1 + rnd.nextInt(150));
      for (int i = 0; i < batch; i++, next++) {
        ChunkHeader h = hs.get(next);
        await(archive.put(STREAM, h));
        FragmentRecord r = FragmentRecords.fromHeader(h);
        await(ix.append(STREAM, r));
        truth.append(r);
      }
      String step;
      switch (rnd.nextInt(8)) {
        case 0 -> {
          step = "flush";
          await(ix.flushAll());
        }
        case 1, 2 -> {
          long cutoff = cutoff(truth, rnd);
          step = "expireBefore " + cutoff;
          List<FragmentRecord> gone = truth.expireBefore(cutoff);
          assertEquals(gone, await(ix.expireBefore(STREAM, cutoff)), step);
          expired.addAll(gone);
          floor = gone.isEmpty() ? floor : gone.get(gone.size() - 1).number();
        }
        case 3 -> {
          long cutoff = cutoff(truth, rnd);
          step = "expire " + cutoff;
          List<FragmentRecord> gone = truth.expireBefore(cutoff);
          ObjectStoreTimeIndex.Expiry e = await(ix.expire(STREAM, cutoff));
          expired.addAll(gone);
          floor = gone.isEmpty() ? floor : gone.get(gone.size() - 1).number();
          assertEquals(new ObjectStoreTimeIndex.Expiry(gone.size(), floor), e, step);
        }
        case 4 -> {
          step = "restart";
          ix = new ObjectStoreTimeIndex(store, sealer, new MemoryArchive(store), config);
        }
        case 5 -> {
          step = "restart without the summary";
          await(memory.delete(ObjectStoreTimeIndex.summaryKey(STREAM.streamId())));
          ix = new ObjectStoreTimeIndex(store, sealer, new MemoryArchive(store), config);
        }
        default -> step = "append";
      }
      check(ix, truth, expired, rnd, "after " + next + " appends and " + step);
      assertEquals(floor, await(ix.floor(STREAM)));
    }
    await(ix.flushAll());
    ObjectStoreTimeIndex rebuilt = new ObjectStoreTimeIndex(store, sealer, new MemoryArchive(store), config);
    check(rebuilt, truth, expired, rnd, "rebuilt at the end");
    assertEquals(truth.records(), await(rebuilt.index(STREAM)).records());
    assertEquals(truth.recordsByProducerTime(), await(rebuilt.index(STREAM)).recordsByProducerTime());
    if (cacheBytes == 0) {
      assertTrue(store.gets("/index/") > 1_000, "queries loaded segments: " + store.gets("/index/"));
    }
  }

  /** A cutoff near the oldest retained fragments: on one's start, just after it, or before all. */
  private static long cutoff(StreamIndex truth, Random rnd) {
    List<FragmentRecord> all = truth.records();
    if (all.isEmpty() || rnd.nextInt(20) == 0) {
      return StreamIndexTest.T0 - 1;
    }
    FragmentRecord r = all.get(rnd.nextInt(Math.min(all.size(), 120)));
    return r.serverTimestampMillis() + (rnd.nextBoolean() ? 0 : 1);
  }

  private static void check(ObjectStoreTimeIndex ix, StreamIndex truth, List<FragmentRecord> expired, Random rnd,
      String when) {
    List<FragmentRecord> all = truth.records();
    assertEquals(truth.earliest(), await(ix.earliest(STREAM)), when);
    assertEquals(truth.latest(), await(ix.latest(STREAM)), when);
    assertEquals(truth.next(null), await(ix.next(STREAM, null)), when);
    for (int q = 0; q < 25; q++) {
      FragmentNumber n = probeNumber(all, expired, rnd);
      assertEquals(truth.get(n), await(ix.get(STREAM, n)), when + ": get " + n);
      assertEquals(truth.next(n), await(ix.next(STREAM, n)), when + ": next " + n);
    }
    for (TimestampKind k : TimestampKind.values()) {
      for (int q = 0; q < 25; q++) {
        long t = probeTime(all, k, rnd);
        assertEquals(truth.locate(k, t), await(ix.locate(STREAM, k, t)), when + ": locate " + k + " " + t);
      }
      for (int q = 0; q < 4; q++) {
        long a = probeTime(all, k, rnd);
        long b = rnd.nextInt(4) == 0 ? Long.MAX_VALUE : a + rnd.nextInt(600_000);
        if (rnd.nextInt(6) == 0) {
          a = Long.MIN_VALUE;
        }
        int max = new int[] {1, 3, 50, 1_000}[rnd.nextInt(4)];
        comparePages(ix, truth, k, a, Math.max(a, b), max, when);
      }
    }
  }

  /** Every page of a range, page by page, tokens included. */
  private static void comparePages(ObjectStoreTimeIndex ix, StreamIndex truth, TimestampKind k, long a, long b,
      int max, String when) {
    String token = null;
    int pages = 0;
    do {
      Page want = truth.range(k, a, b, max, token == null ? null : PageToken.decode(token, k));
      Page got = await(ix.range(STREAM, k, a, b, max, token));
      assertEquals(want, got, when + ": range " + k + " [" + a + ", " + b + "] max " + max + " page " + pages);
      token = got.nextToken();
      pages++;
    } while (token != null && pages < 40);
  }

  private static FragmentNumber probeNumber(List<FragmentRecord> all, List<FragmentRecord> expired, Random rnd) {
    int r = rnd.nextInt(10);
    if (r < 5 && !all.isEmpty()) {
      return all.get(rnd.nextInt(all.size())).number();
    }
    if (r < 7 && !expired.isEmpty()) {
      return expired.get(rnd.nextInt(expired.size())).number();
    }
    if (r < 8) {
      return FragmentNumber.parse("5");
    }
    if (r < 9) {
      return FragmentNumber.parse("9".repeat(22)); // after all
    }
    int i = rnd.nextInt(2_600); // between two minted numbers
    return FragmentNumbers.encode(new FragmentNumbers.Parts(StreamIndexTest.T0 + i * 1000L, 7, i % 1000 + 1));
  }

  private static long probeTime(List<FragmentRecord> all, TimestampKind k, Random rnd) {
    int r = rnd.nextInt(10);
    if (all.isEmpty() || r == 0) {
      return new long[] {Long.MIN_VALUE, 0, Long.MAX_VALUE, StreamIndexTest.T0}[rnd.nextInt(4)];
    }
    FragmentRecord f = all.get(rnd.nextInt(all.size()));
    long t = k == TimestampKind.SERVER ? f.serverTimestampMillis() : f.producerTimestampMillis();
    return switch (r % 4) {
      case 0 -> t;
      case 1 -> t - 1;
      case 2 -> t + f.durationMillis() - 1;
      default -> t + f.durationMillis();
    };
  }
}
