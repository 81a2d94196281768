package io.vidlog.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** A declared size never allocates: buffers grow as bytes arrive, within a budget that names itself when it refuses. */
class GrowingBufferTest {

  @Test
  void aChildReservesInItsParentToo() {
    ByteBudget server = ByteBudget.of("server-wide", 100);
    ByteBudget a = server.child("connection a", 60);
    ByteBudget b = server.child("connection b", 60);
    assertTrue(a.tryReserve(60));
    assertFalse(a.tryReserve(1), "a is full");
    assertEquals(60, server.used());
    assertFalse(b.tryReserve(41), "the server has 40 left");
    assertEquals(0, b.used(), "a refusal reserves nothing anywhere");
    assertEquals(60, server.used());
    assertTrue(b.tryReserve(40));
    a.release(60);
    b.release(40);
    assertEquals(0, server.used());
    assertThrows(IllegalStateException.class, () -> a.release(1));
  }

  @Test
  void aRefusalIsTypedAndNamesTheBudgetThatRefused() {
    ByteBudget server = ByteBudget.of("server-wide ingest buffer", 100);
    ByteBudget connection = server.child("per-connection ingest buffer", 1000);
    MediaFormatException e = assertThrows(MediaFormatException.class,
        () -> connection.reserve(101, MediaFormatException.Format.MKV, 42, "buffering a Block"));
    assertEquals(MediaFormatException.Kind.OVER_BUDGET, e.kind());
    assertEquals(MediaFormatException.Format.MKV, e.format());
    assertEquals(42, e.offset());
    assertSame(server, e.budget());
    assertEquals("MKV: buffering a Block needs 101 more bytes, over the server-wide ingest buffer budget: "
        + "0 of 100 bytes in use at offset 42", e.getMessage());
    assertEquals(0, connection.used());
  }

  @Test
  void holdsAtMostTwiceWhatArrivedNeverTheDeclaredSize() {
    ByteBudget budget = ByteBudget.of("test", Long.MAX_VALUE);
    GrowingBuffer b = new GrowingBuffer(budget, MediaFormatException.Format.MKV, 16, 16);
    int declared = 50 << 20;
    b.start(declared, 0, "Block");
    assertEquals(0, b.held(), "starting allocates nothing");
    long arrived = 0;
    for (int step = 1; arrived < 1 << 20; step = step * 3 + 1) {
      int n = (int) Math.min(step, (1 << 20) - arrived);
      assertEquals(n, b.append(ByteBuffer.allocate(n)));
      arrived += n;
      assertTrue(b.held() <= Math.max(16, 2 * arrived), "held " + b.held() + " after " + arrived);
      assertEquals(b.held(), budget.used(), "everything held is charged");
    }
    assertEquals(declared - arrived, b.missing());
    b.release();
    assertEquals(0, budget.used());
  }

  @Test
  void neverGrowsPastTheDeclaredSizeAndKeepsOnlyASmallArray() {
    ByteBudget budget = ByteBudget.of("test", Long.MAX_VALUE);
    GrowingBuffer b = new GrowingBuffer(budget, MediaFormatException.Format.MP4, 64, 128);
    b.start(1000, 0, "moov");
    ByteBuffer in = ByteBuffer.allocate(5000);
    assertEquals(1000, b.append(in), "takes only the declared bytes");
    assertEquals(4000, in.remaining());
    assertEquals(1000, b.held());
    assertTrue(b.complete());
    b.finish();
    assertEquals(0, b.held(), "a large array goes back after its element");
    b.start(100, 0, "ftyp");
    b.append(ByteBuffer.allocate(100));
    b.finish();
    assertEquals(100, b.held(), "a small one is kept for the next element");
    assertEquals(100, budget.used());
    b.release();
    assertEquals(0, budget.used());
  }

  @Test
  void growthBeyondTheBudgetFailsTypedAndKeepsWhatWasCharged() {
    ByteBudget budget = ByteBudget.of("per-connection", 1000);
    GrowingBuffer b = new GrowingBuffer(budget, MediaFormatException.Format.MKV, 256, 256);
    b.start(5000, 77, "Block");
    b.append(ByteBuffer.allocate(512));
    MediaFormatException e = assertThrows(MediaFormatException.class, () -> b.append(ByteBuffer.allocate(600)));
    assertEquals(MediaFormatException.Kind.OVER_BUDGET, e.kind());
    assertEquals(77, e.offset());
    assertEquals("MKV: buffering Block of 5000 bytes (512 arrived) needs 600 more bytes, over the per-connection "
        + "budget: 512 of 1000 bytes in use at offset 77", e.getMessage());
    assertEquals(512, budget.used());
    b.release();
    assertEquals(0, budget.used());
  }
}
