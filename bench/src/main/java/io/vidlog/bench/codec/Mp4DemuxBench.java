package io.vidlog.bench.codec;

import io.vidlog.media.mp4.FragmentedMp4Demuxer;
import io.vidlog.media.mp4.Mp4Handler;
import io.vidlog.media.mp4.Mp4Limits;
import io.vidlog.media.mp4.Mp4Sample;
import io.vidlog.media.mp4.Mp4Track;
import io.vidlog.media.nal.AnnexBToAvcc;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Throughput of the fragmented-MP4 push demuxer (64 KB slices, as an upload arrives) and of the
 * Annex-B → AVCC frame converter. The MP4 is made beforehand with
 * {@code ffmpeg -f lavfi -i testsrc=size=640x360:rate=25 -f lavfi -i sine=sample_rate=48000 -t 10
 * -c:v libx264 -preset veryfast -pix_fmt yuv420p -g 50 -b:v 4M -minrate 4M -maxrate 4M -bufsize 1M
 * -c:a aac -b:a 96k
 * -movflags frag_keyframe+empty_moov+default_base_moof /tmp/vidlog-bench-frag.mp4}
 * (or pass another with {@code -p file=...}). Report bytes per op ÷ time per op as MB/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class Mp4DemuxBench {
  @Param("/tmp/vidlog-bench-frag.mp4")
  public String file;

  private byte[] mp4;
  private byte[] annexB;

  @Setup
  public void setup() throws IOException {
    mp4 = Files.readAllBytes(Path.of(file));
    // 30 frames of 32 KB: each an SPS-sized NAL and a big slice NAL, random payload
    Random rnd = new Random(1);
    ByteBuffer b = ByteBuffer.allocate(32 * 1024 + 64);
    b.putInt(1).put(new byte[] {0x67, 0x64, 0, 0x1f, 1, 2, 3});
    b.put(new byte[] {0, 0, 1, 0x65});
    while (b.remaining() > 0) {
      byte x = (byte) rnd.nextInt(256);
      b.put(x == 0 ? 1 : x); // no accidental start codes
    }
    annexB = b.array();
    System.out.printf("mp4 %d bytes, annexB frame %d bytes, %s, %d cores%n", mp4.length,
        annexB.length, Runtime.version(), Runtime.getRuntime().availableProcessors());
  }

  @Benchmark
  public void fragmentedDemux64k(Blackhole bh) {
    FragmentedMp4Demuxer d = new FragmentedMp4Demuxer(new Mp4Handler() {
      @Override
      public void onTracks(List<Mp4Track> tracks) {
        bh.consume(tracks);
      }

      @Override
      public void onSample(Mp4Sample sample) {
        bh.consume(sample.payload().remaining());
      }
    }, Mp4Limits.defaults());
    for (int from = 0; from < mp4.length; from += 65536) {
      d.push(ByteBuffer.wrap(mp4, from, Math.min(65536, mp4.length - from)));
    }
    d.end();
  }

  @Benchmark
  public ByteBuffer annexBToAvcc() {
    AnnexBToAvcc c = new AnnexBToAvcc(1 << 20);
    c.push(ByteBuffer.wrap(annexB));
    return c.finish();
  }
}
