package io.vidlog.producer.source;

import static io.vidlog.media.MediaFormatException.Format.H264;

import io.vidlog.media.mkv.MkvLimits;
import io.vidlog.media.mkv.TrackEntry;
import io.vidlog.media.nal.AvcConfig;
import io.vidlog.media.nal.CodecPrivate;
import io.vidlog.media.nal.H264Sps;
import io.vidlog.media.nal.NalUnits;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A raw H.264 Annex-B elementary stream (a {@code .h264} / {@code .264} file, ITU-T H.264
 * Annex B) as a source: read in fixed slices, split into NAL units ({@link AnnexBScanner}) and
 * access units ({@link H264AccessUnits}), each access unit becoming one frame in AVCC form (4-byte
 * lengths, ISO/IEC 14496-15 §5.3.2; parameter sets stay in band). The track's CodecPrivate is
 * built from the SPS and PPS seen before the first IDR access unit, its size from the SPS; access
 * units before that IDR cannot be decoded and are skipped ({@link #skippedAccessUnits()}).
 *
 * <p>The stream has no timestamps: frame n is at n / frame rate, the rate being the one given,
 * else the SPS's VUI timing, else 25 frames per second (what ffmpeg assumes for raw H.264).
 * Presentation order is taken to be decoding order (no B-frame reordering from picture order
 * counts), which holds for Baseline streams such as the test-pattern camera's.
 */
public final class H264FileSource implements MediaSource {
  /** What ffmpeg assumes for a raw H.264 stream without VUI timing. */
  public static final FrameRate DEFAULT_RATE = FrameRate.of(25);

  private final Path file;
  private final FrameRate forcedRate;
  private final int readSize;
  private volatile long size = -1;
  private volatile long position;
  private volatile long skipped;

  /** @param frameRate the stream's frame rate, or null to take it from the SPS (else 25) */
  public H264FileSource(Path file, FrameRate frameRate) {
    this(file, frameRate, MkvFileSource.READ_SIZE);
  }

  H264FileSource(Path file, FrameRate frameRate, int readSize) {
    if (readSize < 1) {
      throw new IllegalArgumentException("read size " + readSize);
    }
    this.file = file;
    this.forcedRate = frameRate;
    this.readSize = readSize;
  }

  @Override
  public void run(FrameSink sink) throws IOException, InterruptedException {
    Units units = new Units(sink);
    int max = MkvLimits.DEFAULT.maxFrameSize();
    H264AccessUnits assembler = new H264AccessUnits(units, max);
    AnnexBScanner scanner = new AnnexBScanner(assembler::onNal, max);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      size = ch.size();
      ByteBuffer buf = ByteBuffer.allocate(readSize);
      while (ch.read(buf.clear()) >= 0) {
        if (Thread.interrupted()) {
          throw new InterruptedException("reading " + file);
        }
        scanner.push(buf.flip());
        position = scanner.position();
      }
      scanner.end();
      assembler.end();
    } catch (SinkCalls.Escape e) {
      e.rethrow();
    } catch (ClosedByInterruptException e) {
      throw new InterruptedException("reading " + file);
    }
    if (units.frames == 0) {
      throw H264.malformed(position, "no IDR access unit with its SPS and PPS in " + file);
    }
  }

  @Override
  public double progress() {
    long s = size;
    return s <= 0 ? (s == 0 ? 1 : 0) : (double) position / s;
  }

  /** Access units read before the first decodable one (an IDR with its SPS and PPS known). */
  public long skippedAccessUnits() {
    return skipped;
  }

  private final class Units implements H264AccessUnits.Handler {
    private final FrameSink sink;
    /** The latest parameter sets by id (§7.4.2.1.1: a later one with the same id replaces it). */
    private final Map<Integer, byte[]> sps = new LinkedHashMap<>();
    private final Map<Integer, byte[]> pps = new LinkedHashMap<>();
    private FrameRate rate;
    private long frames;

    Units(FrameSink sink) {
      this.sink = sink;
    }

    @Override
    public void onAccessUnit(List<byte[]> nals, long offset) {
      boolean idr = false;
      for (byte[] n : nals) {
        int type = n[0] & 0x1F;
        if (type == NalUnits.H264_SPS) {
          sps.put(H264Sps.parse(n).spsId(), n);
        } else if (type == NalUnits.H264_PPS) {
          pps.put(ppsId(n, offset), n);
        } else if (type == NalUnits.H264_IDR) {
          idr = true;
        }
      }
      if (rate == null) {
        if (!idr || sps.isEmpty() || pps.isEmpty()) {
          skipped++;
          return;
        }
        start(offset);
      }
      List<ByteBuffer> views = new ArrayList<>(nals.size());
      for (byte[] n : nals) {
        views.add(ByteBuffer.wrap(n));
      }
      long t = rate.frameTimeNanos(frames++);
      SourceFrame frame = new SourceFrame(1, t, t, idr, NalUnits.joinAvcc(views));
      SinkCalls.inCallback(() -> sink.onFrame(frame));
    }

    private void start(long offset) {
      AvcConfig config = AvcConfig.of(List.copyOf(sps.values()), List.copyOf(pps.values()));
      H264Sps s = config.parsedSps();
      if (forcedRate != null) {
        rate = forcedRate;
      } else if (s.frameRateNum() > 0 && s.frameRateDen() > 0) {
        try {
          rate = new FrameRate(s.frameRateNum(), s.frameRateDen());
        } catch (IllegalArgumentException e) {
          throw H264.unsupported(offset, "SPS VUI timing gives " + s.frameRateNum() + "/" + s.frameRateDen()
              + " frames per second: give the frame rate");
        }
      } else {
        rate = DEFAULT_RATE;
      }
      TrackEntry track = new TrackEntry(1, 1, TrackEntry.TYPE_VIDEO, CodecPrivate.AVC, null, config.toBytes(),
          rate.frameDurationNanos(), s.width(), s.height(), Double.NaN, 0, 0);
      SinkCalls.inCallback(() -> sink.onTracks(List.of(track)));
    }

    /** pic_parameter_set_id, the first ue(v) of a PPS (§7.3.2.2). */
    private int ppsId(byte[] nal, long offset) {
      int bit = 8; // after the NAL header
      int zeros = 0;
      while (true) {
        if (zeros > 8 || bit >= nal.length * 8) {
          throw H264.malformed(offset, "pic_parameter_set_id out of range or truncated in a PPS");
        }
        if (bitAt(nal, bit++) == 1) {
          break;
        }
        zeros++;
      }
      int value = 0;
      for (int i = 0; i < zeros; i++, bit++) {
        if (bit >= nal.length * 8) {
          throw H264.malformed(offset, "truncated PPS");
        }
        value = (value << 1) | bitAt(nal, bit);
      }
      return (1 << zeros) - 1 + value;
    }

    private int bitAt(byte[] b, int bit) {
      return (b[bit >> 3] >> (7 - (bit & 7))) & 1;
    }
  }
}
