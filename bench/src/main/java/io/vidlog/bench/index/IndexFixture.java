package io.vidlog.bench.index;

import io.vidlog.fragmentstore.FragmentNumbers;
import io.vidlog.fragmentstore.FragmentRecord;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.fragmentstore.streams.StreamStatus;
import io.vidlog.kvs.StreamRules;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * The fragments the index benchmarks use: one stream, fragments 2 s apart by server time, producer
 * timestamps mostly in step but with clock jumps back (5 %), repeats (5 %) and offline uploads
 * from anywhere in the past (1 %), so the producer-time permutation is genuinely out of order.
 */
final class IndexFixture {
  static final long T0 = 1_763_770_000_000L;
  static final StreamInfo STREAM = new StreamInfo("bench", "arn:aws:kinesisvideo:us-east-1:000000000000:stream/bench/1",
      "0123456789abcdef0123", StreamStatus.ACTIVE, null, "video/h264", "alias/aws/kinesisvideo", StreamRules.MAX_RETENTION_HOURS, "v", 1,
      Map.of());

  private IndexFixture() {}

  static void fragments(int n, Consumer<FragmentRecord> sink) {
    Random rnd = new Random(42);
    FragmentNumbers minter = new FragmentNumbers(1, new java.util.function.LongSupplier() {
      long t = T0;

      @Override
      public long getAsLong() {
        return t += 2_000;
      }
    });
    long producer = T0 - 3_600_000;
    for (int i = 0; i < n; i++) {
      int r = rnd.nextInt(100);
      long p;
      if (r < 5) {
        producer -= rnd.nextInt(60_000);
        p = producer;
      } else if (r < 10) {
        p = producer;
      } else if (r < 11) {
        p = T0 - 3_600_000 + (long) (rnd.nextDouble() * (producer - T0 + 3_600_000));
      } else {
        producer += 2_000;
        p = producer;
      }
      sink.accept(new FragmentRecord(minter.next(STREAM.streamId()), T0 + i * 2_000L, p, 2_000,
          400_000 + rnd.nextInt(200_000), 3, i % 10 == 0));
    }
  }

  static String machine() {
    Runtime rt = Runtime.getRuntime();
    return "java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + "), "
        + rt.availableProcessors() + " cpus, max heap " + rt.maxMemory() / (1 << 20) + " MB, "
        + System.getProperty("os.name") + " " + System.getProperty("os.arch");
  }
}
