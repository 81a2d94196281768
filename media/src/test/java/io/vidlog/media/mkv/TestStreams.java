package io.vidlog.media.mkv;

import io.vidlog.media.ebml.EbmlWriter;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Random;

/**
 * Fixtures written in code by {@link MkvWriter} (deterministic: payloads come from a seeded
 * Random). See src/test/resources/README.md.
 */
final class TestStreams {
  private TestStreams() {}

  static final byte[] AVC_PRIVATE = {1, 0x64, 0, 0x1F, (byte) 0xFF, (byte) 0xE1, 0, 4, 0x67, 0x64, 0, 0x1F, 1, 0, 4,
      0x68, (byte) 0xEE, 0x3C, (byte) 0x80};
  static final byte[] AAC_PRIVATE = {0x15, (byte) 0x88};

  static final TrackEntry VIDEO = new TrackEntry(1, 0x1234_5678_9ABC_DEF0L, 1, "V_MPEG4/ISO/AVC", "kinesis_video",
      AVC_PRIVATE, 0, 1280, 720, Double.NaN, 0, 0);
  static final TrackEntry AUDIO = new TrackEntry(2, 0xF0E0_D0C0_B0A0_9080L, 2, "A_AAC", "kinesis_audio",
      AAC_PRIVATE, 0, 0, 0, 8000.0, 1, 16);

  static SegmentInfo kvsInfo() {
    byte[] uid = new byte[16];
    new Random(7).nextBytes(uid);
    return new SegmentInfo(1_000_000, Double.NaN, "vidlog-test", "libkinesisvideo", "vidlog producer", uid);
  }

  static byte[] payload(Random rnd, int size) {
    byte[] b = new byte[size];
    rnd.nextBytes(b);
    return b;
  }

  /**
   * What a KVS producer sends on one PutMedia connection (docs/wire-protocol.md §1.1): 8-byte sizes,
   * unknown-size Segment and Clusters with 8-byte Timecodes, metadata Tags between clusters.
   */
  static byte[] kvsProducer() {
    MkvWriter w = MkvWriter.KVS;
    Random rnd = new Random(42);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(w.ebmlHeader());
    out.writeBytes(w.segmentStartUnknownSize());
    out.writeBytes(w.info(kvsInfo()));
    out.writeBytes(w.tracks(List.of(VIDEO, AUDIO)));
    for (int c = 0; c < 3; c++) {
      out.writeBytes(w.clusterStart(c * 1000L, -1));
      for (int f = 0; f < 4; f++) {
        out.writeBytes(w.simpleBlock(1, f * 250, f == 0 ? MkvWriter.FLAG_KEY : 0, payload(rnd, f == 0 ? 300 : 60)));
        out.writeBytes(w.simpleBlock(2, f * 250 + 5, MkvWriter.FLAG_KEY, payload(rnd, 20)));
      }
      out.writeBytes(w.tags(SimpleTag.of("camera", "front-door"), SimpleTag.of("fragment", Integer.toString(c))));
    }
    out.writeBytes(w.tags(SimpleTag.of("AWS_KINESISVIDEO_END_OF_FRAGMENT", "")));
    return out.toByteArray();
  }

  /** Two GetMedia chunks back to back, in the layout of docs/wire-protocol.md §2 and ChunkHeader. */
  static byte[] getMediaChunks() {
    MkvWriter w = MkvWriter.KVS;
    Random rnd = new Random(43);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int c = 0; c < 2; c++) {
      out.writeBytes(w.ebmlHeader());
      out.writeBytes(w.segmentStartUnknownSize());
      out.writeBytes(w.info(kvsInfo()));
      out.writeBytes(w.tracks(List.of(VIDEO)));
      out.writeBytes(w.tags(SimpleTag.of("AWS_KINESISVIDEO_FRAGMENT_NUMBER", "9134385233318143239268206260774392014615916939" + c),
          SimpleTag.of("AWS_KINESISVIDEO_SERVER_TIMESTAMP", "1511852109.12" + c),
          SimpleTag.of("AWS_KINESISVIDEO_PRODUCER_TIMESTAMP", "1511852108.00" + c)));
      out.writeBytes(w.clusterStart(c * 2000L, -1));
      for (int f = 0; f < 3; f++) {
        out.writeBytes(w.simpleBlock(1, f * 40, f == 0 ? MkvWriter.FLAG_KEY : 0, payload(rnd, f == 0 ? 200 : 50)));
      }
      out.writeBytes(w.tags(SimpleTag.of("AWS_KINESISVIDEO_MILLIS_BEHIND_NOW", "15858"),
          SimpleTag.of("AWS_KINESISVIDEO_CONTINUATION_TOKEN", "9134385233318143239268206260774392014615916939" + c)));
    }
    return out.toByteArray();
  }

  /**
   * Known sizes everywhere and the less common features: BlockGroups (duration, references), the
   * three lacing modes (with a zero-length lace), a negative relative timecode, nested SimpleTags
   * with TagBinary and Targets, and elements the reader must skip (SeekHead, Void, Cues, unknown).
   */
  static byte[] knownSizesAndFeatures() {
    MkvWriter w = MkvWriter.MINIMAL;
    EbmlWriter e = w.ebml();
    Random rnd = new Random(44);
    ByteArrayOutputStream seg = new ByteArrayOutputStream();
    seg.writeBytes(e.master(MatroskaIds.SEEK_HEAD, e.binary(0x4DBB, new byte[6])));
    seg.writeBytes(e.binary(MatroskaIds.VOID, new byte[9]));
    seg.writeBytes(w.info(new SegmentInfo(1_000_000, 2000.0, "features", "vidlog", "vidlog-test", null)));
    TrackEntry audio = new TrackEntry(2, 99, 2, "A_OPUS", null, null, 20_000_000, 0, 0, 48000.0, 2, 0);
    seg.writeBytes(w.tracks(List.of(VIDEO, audio)));
    ByteArrayOutputStream cl = new ByteArrayOutputStream();
    cl.writeBytes(e.uint(MatroskaIds.POSITION, 0));
    cl.writeBytes(w.simpleBlock(1, -3, MkvWriter.FLAG_KEY, payload(rnd, 100)));
    cl.writeBytes(w.blockGroup(1, 40, payload(rnd, 80), 40, -40));
    cl.writeBytes(w.blockGroup(1, 80, payload(rnd, 70), -1, null));
    cl.writeBytes(w.lacedSimpleBlock(2, 0, MkvWriter.FLAG_KEY, MkvWriter.Lacing.XIPH,
        List.of(payload(rnd, 300), payload(rnd, 0), payload(rnd, 17))));
    cl.writeBytes(w.lacedSimpleBlock(2, 60, MkvWriter.FLAG_KEY, MkvWriter.Lacing.EBML,
        List.of(payload(rnd, 200), payload(rnd, 150), payload(rnd, 290), payload(rnd, 5))));
    cl.writeBytes(w.lacedSimpleBlock(2, 140, MkvWriter.FLAG_KEY, MkvWriter.Lacing.FIXED,
        List.of(payload(rnd, 33), payload(rnd, 33))));
    cl.writeBytes(e.binary(0x2FAB01, new byte[] {1, 2, 3})); // an id nobody knows: skipped
    byte[] clusterContent = cl.toByteArray();
    seg.writeBytes(w.clusterStart(5000, clusterContent.length));
    seg.writeBytes(clusterContent);
    seg.writeBytes(e.master(MatroskaIds.CUES, e.binary(0xBB, new byte[12])));
    SimpleTag nested = new SimpleTag("DIRECTOR", "someone", null,
        List.of(new SimpleTag("COUNTRY", "NZ", null, List.of()), new SimpleTag("THUMB", null, new byte[] {9, 8, 7},
            List.of())));
    seg.writeBytes(w.tags(List.of(new Tag(50, List.of(nested)), new Tag(0, List.of(SimpleTag.of("a", "b"))))));
    byte[] segment = seg.toByteArray();
    return EbmlWriter.concat(w.ebmlHeader(new EbmlHeaderInfo("webm", 4, 2, 4, 8)), w.segmentStart(segment.length),
        segment);
  }
}
