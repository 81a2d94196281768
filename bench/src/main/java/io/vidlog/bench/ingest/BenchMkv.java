package io.vidlog.bench.ingest;

import io.vertx.core.buffer.Buffer;
import io.vidlog.media.mkv.MkvWriter;
import io.vidlog.media.mkv.SegmentInfo;
import io.vidlog.media.mkv.SimpleTag;
import io.vidlog.media.mkv.TrackEntry;
import java.util.List;
import java.util.Random;

/** MKV pieces for the load generator, in the KVS producer layout (unknown sizes, EoFr tags). */
public final class BenchMkv {
  public static final Buffer HEADER;
  public static final Buffer END_OF_FRAGMENT = Buffer.buffer(MkvWriter.KVS.tags(
      SimpleTag.of("AWS_KINESISVIDEO_END_OF_FRAGMENT", "")));

  static {
    TrackEntry video = new TrackEntry(1, 1, TrackEntry.TYPE_VIDEO, "V_MPEG4/ISO/AVC", "kinesis_video",
        new byte[] {1, 0x42, 0, 0x1E, (byte) 0xFF}, 0, 1280, 720, Double.NaN, 0, 0);
    HEADER = Buffer.buffer().appendBytes(MkvWriter.KVS.ebmlHeader())
        .appendBytes(MkvWriter.KVS.segmentStartUnknownSize())
        .appendBytes(MkvWriter.KVS.info(new SegmentInfo(1_000_000L, Double.NaN, null, "bench", "bench", null)))
        .appendBytes(MkvWriter.KVS.tracks(List.of(video)));
  }

  private BenchMkv() {}

  public static Buffer clusterStart(long timecodeMs) {
    return Buffer.buffer(MkvWriter.KVS.clusterStart(timecodeMs, -1));
  }

  /** A SimpleBlock with a shared random payload of {@code size} bytes. */
  public static Buffer frame(int relativeMs, boolean key, Buffer payload) {
    return Buffer.buffer(MkvWriter.KVS.simpleBlockHeader(1, relativeMs, key ? 0x80 : 0, payload.length()))
        .appendBuffer(payload);
  }

  public static Buffer payload(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return Buffer.buffer(b);
  }
}
