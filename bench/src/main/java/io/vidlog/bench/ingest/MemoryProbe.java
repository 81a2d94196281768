package io.vidlog.bench.ingest;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.internal.PlatformDependent;
import io.vertx.core.json.JsonObject;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;

/**
 * What one JVM of the load test holds, sampled every 10 s: heap after a full GC, the direct memory
 * of Netty's default allocator (Vert.x 5 gives every channel {@link ByteBufAllocator#DEFAULT}, the
 * adaptive allocator in Netty 4.2) and of {@link PooledByteBufAllocator#DEFAULT}, Netty's own
 * direct-memory counter (buffers it allocates without a cleaner), the JDK's {@code direct}
 * {@link BufferPoolMXBean} (everything made by {@code ByteBuffer.allocateDirect}, including the
 * JDK's per-thread temporary buffers for heap-buffer file and socket I/O), and the CPU this process
 * used since the previous sample. The full GC can be switched off with {@code -Dbench.forceGc=false}
 * (its pause lands in the latency figures); the heap figure is then the heap in use.
 */
final class MemoryProbe {
  static final boolean FORCE_GC = !"false".equals(System.getProperty("bench.forceGc"));
  private static final long MB = 1 << 20;

  /** One sample; memory in MB, CPU in cores used on average since the previous sample. */
  record Sample(long heapMb, long allocatorDirectMb, long pooledDirectMb, long nettyCounterMb, long nioDirectMb,
      long nioDirectBuffers, double cpuCores) {

    JsonObject toJson() {
      return new JsonObject().put("heapMb", heapMb).put("allocatorDirectMb", allocatorDirectMb)
          .put("pooledDirectMb", pooledDirectMb).put("nettyCounterMb", nettyCounterMb)
          .put("nioDirectMb", nioDirectMb).put("nioDirectBuffers", nioDirectBuffers).put("cpuCores", cpuCores);
    }

    static Sample fromJson(JsonObject j) {
      return new Sample(j.getLong("heapMb"), j.getLong("allocatorDirectMb"), j.getLong("pooledDirectMb"),
          j.getLong("nettyCounterMb"), j.getLong("nioDirectMb"), j.getLong("nioDirectBuffers"),
          j.getDouble("cpuCores"));
    }

    @Override
    public String toString() {
      return String.format("heap%s=%d MB, direct: allocator=%d MB pooled=%d MB netty=%d MB nio=%d MB (%d buffers),"
          + " cpu=%.2f cores", FORCE_GC ? "AfterGc" : "Used", heapMb, allocatorDirectMb, pooledDirectMb,
          nettyCounterMb, nioDirectMb, nioDirectBuffers, cpuCores);
    }
  }

  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private long lastCpuNanos = os.getProcessCpuTime();
  private long lastWallNanos = System.nanoTime();

  /** Names the allocators this JVM uses, for the report's header. */
  static String describe() {
    return String.format("netty default allocator %s, max direct %d MB", ByteBufAllocator.DEFAULT.getClass().getSimpleName(),
        PlatformDependent.maxDirectMemory() / MB);
  }

  synchronized Sample sample() {
    if (FORCE_GC) {
      System.gc();
    }
    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    long allocator = ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider p
        ? p.metric().usedDirectMemory() : -1;
    long pooled = PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory();
    long counter = PlatformDependent.usedDirectMemory();
    long nio = 0;
    long nioCount = 0;
    for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      if (pool.getName().equals("direct")) {
        nio = pool.getMemoryUsed();
        nioCount = pool.getCount();
      }
    }
    long cpu = os.getProcessCpuTime();
    long wall = System.nanoTime();
    double cores = (cpu - lastCpuNanos) / (double) Math.max(1, wall - lastWallNanos);
    lastCpuNanos = cpu;
    lastWallNanos = wall;
    return new Sample(heap / MB, allocator < 0 ? -1 : allocator / MB, pooled / MB, counter < 0 ? -1 : counter / MB,
        nio / MB, nioCount, cores);
  }
}
