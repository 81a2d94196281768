package io.vidlog.bench.codec;

import io.vidlog.media.fmp4.MediaSegment;
import io.vidlog.media.fmp4.MkvFragmentRepackager;
import io.vidlog.media.mkv.MkvReader;
import io.vidlog.media.mkv.MkvWriter;
import io.vidlog.media.mkv.SegmentInfo;
import io.vidlog.media.mkv.TrackEntry;
import io.vidlog.media.nal.AvcConfig;
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
 * HLS repackaging throughput per core (target: at least 500 MB/s of fMP4 output): one stored
 * fragment, 2 s of 1080p25 H.264-like video at about 4 Mbit/s with B-frame reordering (key frame
 * about 100 KB, others about 18 KB) and 48 kHz AAC-like audio, in the stored chunk's MKV layout, fed
 * to {@link MkvReader} in 64 KB slices as decrypted chunk segments arrive, into an
 * {@link MkvFragmentRepackager}; then the init segment and the media segment are rendered and every
 * output byte is copied once into a reused 64 KB buffer, as a socket write would copy it. The
 * {@code bytes} secondary metric is fMP4 output bytes per second on one thread.
 *
 * <p>{@code tracks}: {@code all} muxes video and audio in one segment; {@code 1} is the video
 * rendition alone, as KVS-style HLS playlists fetch it.
 *
 * <p>On a shared, loaded machine JMH's wall-clock rate also counts time the thread spent
 * descheduled; each iteration therefore also prints the output per second of the benchmark
 * thread's own CPU time (ThreadMXBean), the figure that says what one core does. The heap is fixed
 * and touched up front, as a server's is: while a default heap grows, the kernel's zeroing of each
 * new page is charged to the allocating thread and, on a loaded machine, made some iterations 20
 * times slower per CPU second than the others.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar RepackageBench -f 1 -wi 3 -i 5}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
public class RepackageBench {
  static final int FPS = 25;
  static final int FRAMES = 50;
  static final int AUDIO_FRAMES = 94;
  static final int SLICE = 64 * 1024;

  @Param({"all", "1"})
  public String tracks;

  private ByteBuffer[] slices;
  private int[] chosen;
  private final ByteBuffer sink = ByteBuffer.allocateDirect(SLICE);

  /** fMP4 bytes produced and fragments repackaged, reported by JMH per second. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Counters {
    public long bytes;
    public long fragments;
  }

  @Setup(Level.Trial)
  public void setUp() {
    byte[] mkv = fragment();
    List<ByteBuffer> l = new ArrayList<>();
    for (int off = 0; off < mkv.length; off += SLICE) {
      l.add(ByteBuffer.wrap(mkv, off, Math.min(SLICE, mkv.length - off)).slice());
    }
    slices = l.toArray(new ByteBuffer[0]);
    chosen = tracks.equals("all") ? new int[0] : new int[] {Integer.parseInt(tracks)};
  }

  /** A stored fragment: header elements and one Cluster of 2 s, frames in decode order. */
  static byte[] fragment() {
    MkvWriter w = MkvWriter.MINIMAL;
    SplittableRandom rnd = new SplittableRandom(1080);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(w.ebmlHeader());
    out.writeBytes(w.segmentStartUnknownSize());
    out.writeBytes(w.info(new SegmentInfo(1_000_000, Double.NaN, null, "vidlog", "vidlog bench", new byte[16])));
    // x264's 1080p High-profile SPS and PPS (media's codec fixture avc-high-1920x1080), so the init
    // segment is built from parsed parameter sets
    byte[] sps = {0x67, 0x64, 0x00, 0x28, (byte) 0xAC, (byte) 0xD9, 0x40, 0x78, 0x02, 0x27, (byte) 0xE5, (byte) 0xC0,
        0x44, 0x00, 0x00, 0x03, 0x00, 0x04, 0x00, 0x00, 0x03, 0x00, (byte) 0xC8, 0x3C, 0x60, (byte) 0xC6, 0x58};
    byte[] pps = {0x68, (byte) 0xEF, (byte) 0x8F, (byte) 0xCB};
    byte[] avcc = AvcConfig.of(List.of(sps), List.of(pps)).toBytes();
    out.writeBytes(w.tracks(List.of(
        new TrackEntry(1, 1, 1, "V_MPEG4/ISO/AVC", "kinesis_video", avcc, 0, 1920, 1080, Double.NaN, 0, 0),
        new TrackEntry(2, 2, 2, "A_AAC", "kinesis_audio", new byte[] {0x11, (byte) 0x90}, 0, 0, 0, 48000, 2, 0))));
    long cluster = 1_700_000_000_000L;
    out.writeBytes(w.clusterStart(cluster, -1));
    byte[] noise = new byte[140_000];
    for (int i = 0; i < noise.length; i++) {
      noise[i] = (byte) rnd.nextInt();
    }
    int audio = 0;
    for (int f = 0; f < FRAMES; f++) {
      // decode order I0 P3 B1 B2 P6 B4 B5 …: presentation time of the f-th frame decoded
      int shown = f == 0 ? 0 : (f % 3 == 1 ? Math.min(f + 2, FRAMES - 1) : f - 1);
      boolean key = f == 0;
      int size = key ? 90_000 + rnd.nextInt(20_000) : 15_000 + rnd.nextInt(6_000);
      ByteBuffer frame = ByteBuffer.allocate(size);
      frame.putInt(size - 4).put(noise, 0, size - 4).flip(); // one length-prefixed NAL unit
      out.writeBytes(w.simpleBlock(1, shown * 1000 / FPS, key ? MkvWriter.FLAG_KEY : 0, frame));
      for (; audio < AUDIO_FRAMES && audio * 1024L * 1000 / 48000 <= f * 1000L / FPS; audio++) {
        int asize = 300 + rnd.nextInt(100);
        out.writeBytes(w.simpleBlock(2, (int) (audio * 1024L * 1000 / 48000), MkvWriter.FLAG_KEY,
            ByteBuffer.wrap(noise, 1000, asize)));
      }
    }
    return out.toByteArray();
  }

  @Benchmark
  public long repackage(Counters counters, ThreadCpuOutput clock) {
    clock.start();
    MkvFragmentRepackager r = new MkvFragmentRepackager(chosen);
    MkvReader reader = new MkvReader(r);
    for (ByteBuffer s : slices) {
      reader.feed(s);
    }
    reader.end();
    byte[] init = r.initSegment();
    MediaSegment seg = r.segment(1, 0, (1_700_000_000_000L + 2000) * 1_000_000L);
    long written = init.length;
    for (ByteBuffer b : seg.buffers()) {
      while (b.hasRemaining()) {
        int n = Math.min(b.remaining(), sink.capacity());
        sink.clear().put(b.slice(b.position(), n));
        b.position(b.position() + n);
        written += n;
      }
    }
    r.release();
    if (written != init.length + seg.length()) {
      throw new IllegalStateException("wrote " + written + " of " + (init.length + seg.length()));
    }
    counters.bytes += written;
    counters.fragments++;
    clock.stop(written);
    return written;
  }
}
