package io.vidlog.fragmentstore.object;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class ReadBufferPoolTest {
  @Test
  void reusesReleasedBuffersWithTheRequestedLimit() {
    ReadBufferPool pool = new ReadBufferPool(1024, 2);
    ByteBuffer a = pool.acquire(1000);
    assertEquals(1000, a.remaining());
    a.put(new byte[600]);
    pool.release(a);
    ByteBuffer b = pool.acquire(10);
    assertSame(a, b, "a released buffer is lent again");
    assertEquals(0, b.position());
    assertEquals(10, b.limit());
    assertEquals(1, pool.inUse());
    pool.release(b);
    assertEquals(0, pool.inUse());
  }

  @Test
  void keepsAtMostMaxIdleBuffersAndNeverKeepsOversizedOnes() {
    ReadBufferPool pool = new ReadBufferPool(1024, 2);
    ByteBuffer[] out = {pool.acquire(1), pool.acquire(1), pool.acquire(1)};
    ByteBuffer big = pool.acquire(5000);
    assertEquals(5000, big.capacity());
    assertEquals(4, pool.inUse());
    for (ByteBuffer b : out) {
      pool.release(b);
    }
    pool.release(big);
    assertEquals(0, pool.inUse());
    assertEquals(2, pool.idle());
    assertNotSame(big, pool.acquire(1024));
  }
}
