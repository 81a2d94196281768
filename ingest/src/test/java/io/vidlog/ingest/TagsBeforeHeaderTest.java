package io.vidlog.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.Vertx;
import io.vidlog.fragmentstore.chunk.ChunkHeader;
import io.vidlog.kvs.StreamRef;
import io.vidlog.media.MediaFormatException;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A body that opens with a Tags element before its EBML header, as a KVS producer (the PIC) can
 * send after a reconnect: the metadata it carries belongs to the first fragment, and a reserved
 * end-of-fragment tag in it, with no fragment open, changes nothing (package-info). Fed through the
 * real MKV body parser at every split size.
 */
class TagsBeforeHeaderTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    IngestServer.await(vertx.close());
  }

  /** Pending metadata and the PIC's EoFr tag, then an ordinary session of two fragments. */
  static byte[] body() {
    return new TestMkv().tags("camera", "front").endOfFragment().header(2).fragment(0, 2, 3, 20)
        .tags("after", "first").endOfFragment().fragment(1000, 2, 3, 20).bytes();
  }

  private static List<String> names(List<ChunkHeader.Metadata> metadata) {
    return metadata.stream().map(m -> m.name() + "=" + m.value()).toList();
  }

  private FragmentAssemblerTest.Recorder feed(byte[] body, int split) {
    FragmentAssemblerTest.Recorder rec = new FragmentAssemblerTest.Recorder();
    FragmentAssembler assembler = new FragmentAssembler(IngestConfig.DEFAULT,
        new PutMediaHeaders(StreamRef.byName("s"), TimecodeType.RELATIVE, 0, true), () -> 1L, rec);
    BodyParser parser = mkvParser().create(assembler, vertx.getOrCreateContext(), () -> { }, () -> false);
    for (int off = 0; off < body.length; off += split) {
      parser.feed(ByteBuffer.wrap(body, off, Math.min(split, body.length - off)));
    }
    parser.end();
    assembler.finish();
    return rec;
  }

  @Test
  void tagsBeforeTheEbmlHeaderAreTheFirstFragmentsMetadataAtEverySplit() {
    byte[] body = body();
    List<String> expected = null;
    for (int split = 1; split <= body.length; split++) {
      FragmentAssemblerTest.Recorder rec = feed(body, split);
      assertEquals(2, rec.completed.size(), "split " + split + ": " + rec.events);
      assertEquals(List.of("camera=front", "after=first"), names(rec.completed.get(0).metadata()), "split " + split);
      assertEquals(List.of(), names(rec.completed.get(1).metadata()), "split " + split);
      if (expected == null) {
        expected = rec.events;
      }
      assertEquals(expected, rec.events, "split " + split);
    }
    assertEquals(List.of("open 1 tc=0", "done 1", "open 2 tc=1000", "done 2"),
        expected.stream().filter(e -> !e.startsWith("frame")).toList());
  }

  @Test
  void aBodyOpeningWithAnythingElseIsRefusedAtItsFirstByte() {
    FragmentAssemblerTest.Recorder rec = new FragmentAssemblerTest.Recorder();
    FragmentAssembler assembler = new FragmentAssembler(IngestConfig.DEFAULT,
        new PutMediaHeaders(StreamRef.byName("s"), TimecodeType.RELATIVE, 0, true), () -> 1L, rec);
    BodyParser parser = mkvParser().create(assembler, vertx.getOrCreateContext(), () -> { }, () -> false);
    // the Tags ID's first two bytes, then not the rest of it
    MediaFormatException e = assertThrows(MediaFormatException.class,
        () -> parser.feed(ByteBuffer.wrap(new byte[] {0x12, 0x54, 0x00})));
    assertEquals(MediaFormatException.Format.EBML, e.format());
    assertEquals(MediaFormatException.Kind.MALFORMED, e.kind());
    assertEquals(2, e.offset());
  }

  private static BodyParser.Factory mkvParser() {
    return BodyParsers.mkv(IngestConfig.DEFAULT, new IngestBuffers(IngestConfig.DEFAULT.buffers()));
  }
}
