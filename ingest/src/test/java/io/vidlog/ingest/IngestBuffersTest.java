package io.vidlog.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.kvs.AckError;
import io.vidlog.media.ebml.EbmlWriter;
import io.vidlog.media.mkv.MatroskaIds;
import io.vidlog.media.mkv.MkvHandler;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * A PutMedia body parser charges its connection's budget, a child of the server-wide one: an
 * overdraft of either becomes that budget's ERROR ack with a message naming the budget and the
 * sizes, and closing the parser returns every byte at once.
 */
class IngestBuffersTest {
  private static final int BLOCK = 1 << 20;

  /** A body whose next element is a BlockGroup with a 1 MiB Block, and 300 KB of that Block. */
  private static byte[] bodyWithPartOfABlock() {
    EbmlWriter e = EbmlWriter.MINIMAL;
    byte[] block = EbmlWriter.concat(e.header(MatroskaIds.BLOCK, BLOCK), new byte[] {(byte) 0x81, 0, 0, 0});
    byte[] group = e.header(MatroskaIds.BLOCK_GROUP, block.length + BLOCK - 4);
    return new TestMkv().header(1).cluster(0).raw(group).raw(block).raw(new byte[300_000]).bytes();
  }

  private static BodyParser parser(IngestBuffers buffers) {
    return BodyParsers.mkv(IngestConfig.DEFAULT, buffers).create(new MkvHandler() {}, null, () -> { }, () -> false);
  }

  private static AckException refusal(IngestBuffers buffers) {
    BodyParser p = parser(buffers);
    byte[] body = bodyWithPartOfABlock();
    return assertThrows(AckException.class, () -> {
      for (int off = 0; off < body.length; off += 8192) {
        p.feed(ByteBuffer.wrap(body, off, Math.min(8192, body.length - off)));
      }
    });
  }

  @Test
  void aConnectionOverItsShareGetsTheConnectionLimit() {
    IngestBuffers buffers = new IngestBuffers(new IngestConfig.Buffers(256 * 1024, 64 << 20));
    AckException e = refusal(buffers);
    assertEquals(AckError.CONNECTION_BUFFER_LIMIT_REACHED, e.error());
    assertTrue(e.getMessage().startsWith("MKV: buffering Block of 1048576 bytes ("), e.getMessage());
    assertTrue(e.getMessage().contains("over the per-connection ingest buffer budget: "), e.getMessage());
    assertTrue(e.getMessage().contains(" of 262144 bytes in use at offset "), e.getMessage());
    assertEquals(0, buffers.used(), "the failed parser returned its bytes");
  }

  @Test
  void aServerOverItsBudgetGivesTheServerLimit() {
    IngestBuffers buffers = new IngestBuffers(new IngestConfig.Buffers(64 << 20, 256 * 1024));
    AckException e = refusal(buffers);
    assertEquals(AckError.SERVER_BUFFER_LIMIT_REACHED, e.error());
    assertEquals(5000, e.error().id());
    assertTrue(e.getMessage().contains("over the server-wide ingest buffer budget: "), e.getMessage());
    assertEquals(0, buffers.used());
  }

  @Test
  void closingAStalledParserReturnsItsBytesAtOnce() {
    IngestBuffers buffers = new IngestBuffers(IngestConfig.Buffers.defaults());
    BodyParser stalled = parser(buffers);
    BodyParser other = parser(buffers);
    byte[] body = bodyWithPartOfABlock();
    for (int off = 0; off < body.length; off += 8192) {
      stalled.feed(ByteBuffer.wrap(body, off, Math.min(8192, body.length - off)));
    }
    other.feed(ByteBuffer.wrap(body, 0, 100_000));
    long both = buffers.used();
    assertTrue(both >= 300_000 + 90_000, "both hold what they received: " + both);
    stalled.close();
    assertTrue(buffers.used() < both - 300_000, "after close: " + buffers.used());
    other.close();
    assertEquals(0, buffers.used());
  }
}
