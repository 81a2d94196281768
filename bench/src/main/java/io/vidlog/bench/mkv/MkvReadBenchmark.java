package io.vidlog.bench.mkv;

import io.vidlog.media.mkv.MkvFrame;
import io.vidlog.media.mkv.MkvHandler;
import io.vidlog.media.mkv.MkvLimits;
import io.vidlog.media.mkv.MkvReader;
import io.vidlog.media.mkv.MkvWriter;
import io.vidlog.media.mkv.SegmentInfo;
import io.vidlog.media.mkv.SimpleTag;
import io.vidlog.media.mkv.TrackEntry;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
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
 * MKV read throughput (target: at least 1 GB/s on one core): a synthetic 1080p H.264-like stream of about 4 Mbit/s
 * (25 fps, 2 s GOP: key frames about 100 KB, others about 18 KB, random payload bytes) written by
 * {@link MkvWriter} in the KVS producer layout (unknown-size Segment and Clusters, one Cluster per
 * GOP, metadata Tags between clusters, 8-byte sizes), read by {@link MkvReader} from 64 KB slices
 * as Vert.x would hand them over. The handler touches only the payload length (frames are views,
 * never copied by the handler). The {@code bytes} secondary metric is the throughput in bytes/s.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar MkvReadBenchmark -f 1 -wi 3 -i 5}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MkvReadBenchmark {
  static final int FPS = 25;
  static final int GOP_FRAMES = 50;
  static final int SECONDS = 60;

  @Param({"65536"})
  public int sliceSize;

  private ByteBuffer[] slices;
  private long streamBytes;
  private long expectedFrames;

  /** Bytes and frames read, reported by JMH per second. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Counters {
    public long bytes;
    public long frames;
  }

  /** Counts frames and payload bytes without copying. */
  static final class CountingHandler implements MkvHandler {
    long frames;
    long payloadBytes;

    @Override
    public void onFrame(MkvFrame frame) {
      frames++;
      payloadBytes += frame.payload().remaining();
    }
  }

  @Setup(Level.Trial)
  public void setUp() {
    byte[] stream = stream();
    streamBytes = stream.length;
    List<ByteBuffer> l = new ArrayList<>();
    for (int off = 0; off < stream.length; off += sliceSize) {
      l.add(ByteBuffer.wrap(stream, off, Math.min(sliceSize, stream.length - off)).slice());
    }
    slices = l.toArray(new ByteBuffer[0]);
    expectedFrames = (long) SECONDS * FPS;
  }

  /** About {@link #SECONDS} s of 1080p25 H.264-like video at about 4 Mbit/s in the KVS layout. */
  static byte[] stream() {
    MkvWriter w = MkvWriter.KVS;
    SplittableRandom rnd = new SplittableRandom(1080);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(w.ebmlHeader());
    out.writeBytes(w.segmentStartUnknownSize());
    out.writeBytes(w.info(new SegmentInfo(1_000_000, Double.NaN, "bench", "vidlog", "vidlog bench", new byte[16])));
    byte[] avcc = new byte[40];
    out.writeBytes(w.tracks(List.of(new TrackEntry(1, 1, 1, "V_MPEG4/ISO/AVC", "kinesis_video", avcc, 40_000_000,
        1920, 1080, Double.NaN, 0, 0))));
    byte[] payload = new byte[140_000];
    for (int i = 0; i < payload.length; i++) {
      payload[i] = (byte) rnd.nextInt();
    }
    int frames = SECONDS * FPS;
    for (int f = 0; f < frames; f++) {
      int inGop = f % GOP_FRAMES;
      if (inGop == 0) {
        if (f > 0) {
          out.writeBytes(w.tags(SimpleTag.of("camera", "bench"), SimpleTag.of("frame", Integer.toString(f))));
        }
        out.writeBytes(w.clusterStart(f * 40L, -1));
      }
      boolean key = inGop == 0;
      int size = key ? 90_000 + rnd.nextInt(20_000) : 15_000 + rnd.nextInt(6_000);
      int from = rnd.nextInt(payload.length - size);
      out.writeBytes(w.simpleBlockHeader(1, inGop * 40, key ? MkvWriter.FLAG_KEY : 0, size));
      out.write(payload, from, size);
    }
    return out.toByteArray();
  }

  @Benchmark
  public long read(Counters counters) {
    CountingHandler h = new CountingHandler();
    MkvReader r = new MkvReader(h, MkvLimits.DEFAULT);
    for (ByteBuffer s : slices) {
      r.feed(s);
    }
    r.end();
    if (h.frames != expectedFrames) {
      throw new IllegalStateException("read " + h.frames + " frames, expected " + expectedFrames);
    }
    counters.bytes += streamBytes;
    counters.frames += h.frames;
    return h.payloadBytes;
  }
}
