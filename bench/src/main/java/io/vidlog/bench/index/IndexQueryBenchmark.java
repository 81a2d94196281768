package io.vidlog.bench.index;

import io.vidlog.fragmentstore.FragmentRecord;
import io.vidlog.fragmentstore.index.IndexConfig;
import io.vidlog.fragmentstore.index.ObjectStoreTimeIndex;
import io.vidlog.fragmentstore.index.TimeIndex;
import io.vidlog.fragmentstore.index.TimeIndex.TimestampKind;
import io.vidlog.fragmentstore.object.MemoryObjectStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * ListFragments-style time-range queries that return 1,000 entries from an index of 1,000,000
 * fragments of one stream, by server and by producer timestamp, through the {@link TimeIndex} API.
 * Target: p99 at most 5 ms. Run:
 * {@code java -jar bench/target/benchmarks.jar IndexQueryBenchmark -f 1 -wi 3 -i 5}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class IndexQueryBenchmark {
  static final int FRAGMENTS = 1_000_000;
  static final int PAGE = 1_000;

  private TimeIndex index;
  private long[] serverStarts;
  private long[] producerSorted;

  @Setup
  public void setUp() {
    MemoryObjectStore store = new MemoryObjectStore();
    // Big segments: the query benchmark is about memory, not about the background segment writes.
    ObjectStoreTimeIndex ix = new ObjectStoreTimeIndex(store, new NullSealer(), new EmptyArchive(),
        new IndexConfig(1_000_000, 1, 1));
    List<FragmentRecord> all = new ArrayList<>(FRAGMENTS);
    IndexFixture.fragments(FRAGMENTS, r -> {
      ix.append(IndexFixture.STREAM, r);
      all.add(r);
    });
    serverStarts = all.stream().mapToLong(FragmentRecord::serverTimestampMillis).toArray();
    producerSorted = all.stream().mapToLong(FragmentRecord::producerTimestampMillis).sorted().toArray();
    index = ix;
  }

  @Benchmark
  public TimeIndex.Page serverRange1000() {
    int i = ThreadLocalRandom.current().nextInt(FRAGMENTS - PAGE);
    return page(TimestampKind.SERVER, serverStarts[i], serverStarts[i + PAGE - 1]);
  }

  @Benchmark
  public TimeIndex.Page producerRange1000() {
    int i = ThreadLocalRandom.current().nextInt(FRAGMENTS - PAGE);
    return page(TimestampKind.PRODUCER, producerSorted[i], producerSorted[i + PAGE - 1]);
  }

  private TimeIndex.Page page(TimestampKind kind, long from, long to) {
    TimeIndex.Page p = index.range(IndexFixture.STREAM, kind, from, to, PAGE, null).result();
    if (p.records().size() != PAGE) {
      throw new IllegalStateException("expected a full page, got " + p.records().size());
    }
    return p;
  }
}
