package io.vidlog.bench.codec;

import io.vidlog.media.fmp4.ClipBuilder;
import io.vidlog.media.fmp4.ClipMovie;
import io.vidlog.media.mkv.MkvReader;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Clip assembly per core (target: at least 300 MB/s of MP4): {@code fragments} stored fragments of
 * {@link RepackageBench#fragment()} (2 s of 1080p25 H.264-like video with B-frames and 48 kHz
 * AAC-like audio, about 1 MB each), each read twice as GetClip reads it: a first reading into
 * {@link ClipBuilder} (frame sizes and times), then the header rendered, then a second reading whose
 * payloads are copied into 64 KB writes, as the response would copy them. The slices are fed as
 * decrypted chunk segments arrive (64 KB). {@code bytes} is MP4 output bytes per second on one
 * thread; each iteration also prints the output per second of the thread's own CPU time.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar ClipBench -f 1 -wi 3 -i 5}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
public class ClipBench {
  static final int SLICE = 64 * 1024;

  @Param({"50"})
  public int fragments;

  private ByteBuffer[] slices;
  private final ByteBuffer sink = ByteBuffer.allocateDirect(SLICE);

  /** MP4 bytes produced and clips made, reported by JMH per second. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Counters {
    public long bytes;
    public long clips;
  }

  @Setup(Level.Trial)
  public void setUp() {
    byte[] mkv = RepackageBench.fragment();
    List<ByteBuffer> l = new ArrayList<>();
    for (int off = 0; off < mkv.length; off += SLICE) {
      l.add(ByteBuffer.wrap(mkv, off, Math.min(SLICE, mkv.length - off)).slice());
    }
    slices = l.toArray(new ByteBuffer[0]);
  }

  @Benchmark
  public long clip(Counters counters, ThreadCpuOutput clock) {
    clock.start();
    ClipBuilder b = new ClipBuilder(new ClipBuilder.Limits(1L << 32, 1 << 22));
    for (int i = 0; i < fragments; i++) {
      feed(new MkvReader(b.fragment(i * 2_000_000_000L)));
    }
    ClipMovie movie = b.build();
    long[] written = {movie.header().remaining()};
    for (int i = 0; i < movie.fragmentCount(); i++) {
      ClipMovie.Payloads p = movie.payloads(i, payload -> {
        ByteBuffer src = payload.duplicate();
        while (src.hasRemaining()) {
          int n = Math.min(src.remaining(), sink.remaining());
          sink.put(src.slice(src.position(), n));
          src.position(src.position() + n);
          written[0] += n;
          if (!sink.hasRemaining()) {
            sink.clear();
          }
        }
      });
      feed(new MkvReader(p));
      p.finish();
    }
    if (written[0] != movie.length()) {
      throw new IllegalStateException("wrote " + written[0] + " of " + movie.length());
    }
    counters.bytes += written[0];
    counters.clips++;
    clock.stop(written[0]);
    return written[0];
  }

  private void feed(MkvReader reader) {
    for (ByteBuffer s : slices) {
      reader.feed(s);
    }
    reader.end();
  }
}
