package io.vidlog.bench.playback;

import io.vertx.core.buffer.Buffer;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.chunk.ChunkHeader;
import io.vidlog.media.mkv.MkvWriter;
import io.vidlog.media.mkv.SegmentInfo;
import io.vidlog.media.mkv.SimpleTag;
import io.vidlog.media.mkv.TrackEntry;
import java.util.List;
import java.util.Random;

/** MKV for the playback benchmarks: stored chunks in the ChunkHeader layout, and a producer's stream pieces. */
final class BenchMedia {
  static final MkvWriter MKV = MkvWriter.KVS;
  static final String CODEC_ID = "V_MPEG4/ISO/AVC";
  /**
   * An avcC record (Baseline, 96x64, 30 frames/s) as x264 writes it
   * ({@code ffmpeg -f lavfi -i testsrc=size=96x64:rate=30 -c:v libx264 -profile:v baseline}): ingest
   * stores it and HLS reads it (codec string, resolution); nobody decodes the benchmark's frames.
   */
  static final byte[] CODEC_PRIVATE = {0x01, 0x42, (byte) 0xC0, 0x0A, (byte) 0xFF, (byte) 0xE1, 0x00, 0x17, 0x67,
      0x42, (byte) 0xC0, 0x0A, (byte) 0xD9, 0x06, 0x26, (byte) 0xC0, 0x44, 0x00, 0x00, 0x03, 0x00, 0x04, 0x00, 0x00,
      0x03, 0x00, (byte) 0xF0, 0x3C, 0x48, (byte) 0x99, 0x20, 0x01, 0x00, 0x05, 0x68, (byte) 0xCB, (byte) 0x83,
      (byte) 0xCB, 0x20};

  private BenchMedia() {}

  /** One stored fragment. */
  record Chunk(ChunkHeader header, Buffer mkv) {}

  /** EBML header, unknown-size Segment, Info, Tracks: what a producer sends once and each chunk starts with. */
  static Buffer streamHeader() {
    return Buffer.buffer(MKV.ebmlHeader())
        .appendBytes(MKV.segmentStartUnknownSize())
        .appendBytes(MKV.info(new SegmentInfo(SegmentInfo.DEFAULT_TIMECODE_SCALE, Double.NaN, null, "vidlog-bench",
            "vidlog-bench", null)))
        .appendBytes(MKV.tracks(List.of(new TrackEntry(1, 1, TrackEntry.TYPE_VIDEO, CODEC_ID, null, CODEC_PRIVATE, 0,
            1280, 720, Double.NaN, 0, 0))));
  }

  /** Fragment {@code i}: {@code frames} frames of {@code frameBytes} pseudo-random bytes, 33 ms apart. */
  static Chunk chunk(int i, long serverMillis, int frames, int frameBytes, Random random) {
    Buffer head = streamHeader().appendBytes(MKV.tags(SimpleTag.of("bench", Integer.toString(i))));
    long clusterOffset = head.length();
    long timecode = (long) i * frames * 33;
    Buffer mkv = head.appendBytes(MKV.clusterStart(timecode, -1));
    byte[] payload = new byte[frameBytes];
    for (int j = 0; j < frames; j++) {
      random.nextBytes(payload);
      mkv.appendBytes(MKV.simpleBlockHeader(1, j * 33, j == 0 ? MkvWriter.FLAG_KEY : 0, frameBytes)).appendBytes(payload);
    }
    FragmentNumber number = new FragmentNumber(String.format("%020d", 1_000_000 + i));
    ChunkHeader header = new ChunkHeader(number, serverMillis + timecode, timecode, frames * 33L, timecode,
        List.of(new ChunkHeader.TrackSummary(1, CODEC_ID, frames)), List.of(new ChunkHeader.Metadata("bench",
            Integer.toString(i))), clusterOffset, mkv.length());
    return new Chunk(header, mkv);
  }
}
