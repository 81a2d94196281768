package io.vidlog.fragmentstore.chunk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.kvs.KvsTag;
import io.vidlog.kvs.StreamError;
import io.vidlog.media.mkv.EbmlHeaderInfo;
import io.vidlog.media.mkv.MkvFrame;
import io.vidlog.media.mkv.MkvHandler;
import io.vidlog.media.mkv.MkvReader;
import io.vidlog.media.mkv.SimpleTag;
import io.vidlog.media.mkv.Tag;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** A chunk's MKV framing and the KVS tags around it, read back with vidlog's MKV reader (docs/wire-protocol.md §2, §3.2). */
class ChunkMkvTest {

  /** A readable dump of what the reader reports. */
  static List<String> dump(Buffer mkv) {
    List<String> out = new ArrayList<>();
    MkvReader reader = new MkvReader(new MkvHandler() {
      @Override
      public void onEbmlHeader(EbmlHeaderInfo header) {
        out.add("ebml " + header.docType());
      }

      @Override
      public void onSegmentStart(long size) {
        out.add("segment " + size);
      }

      @Override
      public void onClusterStart(long timecode, long size) {
        out.add("cluster " + timecode + " " + size);
      }

      @Override
      public void onFrame(MkvFrame frame) {
        out.add("frame track=" + frame.trackNumber() + " tc=" + frame.relativeTimecode() + " key=" + frame.keyFrame()
            + " flags=" + Integer.toHexString(frame.flags()) + " bytes=" + frame.payload().remaining());
      }

      @Override
      public void onTags(List<Tag> tags, ByteBuffer raw) {
        for (Tag t : tags) {
          for (SimpleTag s : t.simpleTags()) {
            out.add(s.name() + "=" + s.value());
          }
        }
      }
    });
    reader.feed(mkv.getBytes(), 0, mkv.length());
    reader.end();
    return out;
  }

  @Test
  void preAndPostClusterTagsAroundALiveCluster() {
    Buffer mkv = Buffer.buffer(io.vidlog.media.mkv.MkvWriter.MINIMAL.ebmlHeader())
        .appendBytes(io.vidlog.media.mkv.MkvWriter.MINIMAL.segmentStartUnknownSize())
        .appendBuffer(ChunkMkv.kvsPreCluster(new FragmentNumber("0091"), 1511852109126L, 5000, true))
        .appendBuffer(ChunkMkv.clusterStart(5000))
        .appendBuffer(ChunkMkv.simpleBlockHeader(1, 40, 0x80 | 0x06, 3)).appendBytes(new byte[] {1, 2, 3})
        .appendBuffer(ChunkMkv.kvsPostCluster(15858, "0091"));
    assertEquals(List.of(
        "ebml matroska",
        "segment -1",
        "AWS_KINESISVIDEO_FRAGMENT_NUMBER=0091",
        "AWS_KINESISVIDEO_SERVER_TIMESTAMP=1511852109.126",
        "AWS_KINESISVIDEO_PRODUCER_TIMESTAMP=5.000",
        "AWS_KINESISVIDEO_SERVER_SIDE_TIMESTAMP=1511852109.126",
        "AWS_KINESISVIDEO_PRODUCER_SIDE_TIMESTAMP=5.000",
        "cluster 5000 -1",
        "frame track=1 tc=40 key=true flags=80 bytes=3",
        "AWS_KINESISVIDEO_MILLIS_BEHIND_NOW=15858",
        "AWS_KINESISVIDEO_CONTINUATION_TOKEN=0091"), dump(mkv));
  }

  @Test
  void errorChunkCarriesBothErrorSpellingsAndAnEmptyCluster() {
    assertEquals(List.of(
        "ebml matroska",
        "segment -1",
        "AWS_KINESISVIDEO_FRAGMENT_NUMBER=12",
        "AWS_KINESISVIDEO_ERROR_CODE=FRAGMENT_NOT_FOUND",
        "AWS_KINESISVIDEO_ERROR_ID=4000",
        "AWS_KINESISVIDEO_EXCEPTION_ERROR_CODE=4000",
        "AWS_KINESISVIDEO_EXCEPTION_MESSAGE=gone",
        "cluster 0 -1"), dump(ChunkMkv.errorChunk("12", StreamError.FRAGMENT_NOT_FOUND.id(), StreamError.FRAGMENT_NOT_FOUND.code(), "gone", true)));
    assertEquals(6, dump(ChunkMkv.errorChunk("12", StreamError.INTERNAL_ERROR.id(), StreamError.INTERNAL_ERROR.code(), "x", false)).size());
  }

  @Test
  void negativeMillisBehindIsClampedToZero() {
    Buffer mkv = Buffer.buffer(io.vidlog.media.mkv.MkvWriter.MINIMAL.ebmlHeader())
        .appendBytes(io.vidlog.media.mkv.MkvWriter.MINIMAL.segmentStartUnknownSize())
        .appendBuffer(ChunkMkv.kvsPostCluster(-20, "1"));
    assertEquals(List.of("ebml matroska", "segment -1", "AWS_KINESISVIDEO_MILLIS_BEHIND_NOW=0",
        "AWS_KINESISVIDEO_CONTINUATION_TOKEN=1"), dump(mkv));
  }

  @Test
  void headerLengthsMatchTheBytesWritten() {
    for (int track : new int[] {1, 127, 128, 16_383}) {
      for (int length : new int[] {0, 1, 100, 70_000, 50 << 20}) {
        assertEquals(ChunkMkv.simpleBlockHeader(track, 0, 0x80, length).length(),
            ChunkMkv.simpleBlockHeaderLength(track, length), track + "/" + length);
      }
    }
    for (long tc : new long[] {0, 255, 1L << 40}) {
      assertEquals(ChunkMkv.clusterStart(tc).length(), ChunkMkv.clusterStartLength(tc));
    }
  }

  @Test
  void aProducerEbmlHeaderWithoutValuesGetsTheDefaults() {
    Buffer mkv = ChunkMkv.ebmlHeader(new EbmlHeaderInfo(null, 0, 0, 0, 0)).appendBuffer(ChunkMkv.segmentStart())
        .appendBuffer(ChunkMkv.producerTags(List.of(new ChunkHeader.Metadata("camera", "lobby"))));
    List<EbmlHeaderInfo> seen = new ArrayList<>();
    new MkvReader(new MkvHandler() {
      @Override
      public void onEbmlHeader(EbmlHeaderInfo header) {
        seen.add(header);
      }
    }).feed(mkv.getBytes(), 0, mkv.length());
    assertEquals(List.of(new EbmlHeaderInfo("matroska", 2, 2, 4, 8)), seen);
    assertEquals(List.of("ebml matroska", "segment -1", "camera=lobby"), dump(mkv));
    assertEquals(0, ChunkMkv.producerTags(List.of()).length());
  }

  @ParameterizedTest
  @CsvSource({"1511852109126,1511852109.126", "0,0.000", "5000,5.000", "7,0.007", "-1,-0.001", "1000,1.000"})
  void timestampsAreSecondsWithThreeDecimals(long millis, String text) {
    assertEquals(text, KvsTag.seconds(millis));
  }
}
