package io.vidlog.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vidlog.fragmentstore.chunk.ChunkHeader;
import io.vidlog.fragmentstore.chunk.FragmentArchive.ChunkWriter;
import io.vidlog.fragmentstore.object.StoreException;
import io.vidlog.fragmentstore.testing.Conditions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link ChunkStream} when a write of its chunk fails (a full disk): the chunk is aborted, not left open. */
class ChunkStreamTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  /** A writer whose writes fail as a full disk makes them fail; it records what the stream asked of it. */
  private static final class FullDiskWriter implements ChunkWriter {
    final AtomicInteger writes = new AtomicInteger();
    final AtomicBoolean committed = new AtomicBoolean();
    final AtomicBoolean aborted = new AtomicBoolean();

    @Override
    public Future<Void> write(Buffer mkv) {
      writes.incrementAndGet();
      return Future.failedFuture(new StoreException(StoreException.Kind.FULL, "spooling: no space left"));
    }

    @Override
    public Future<Void> commit(ChunkHeader header) {
      committed.set(true);
      return Future.failedFuture(new IllegalStateException("committed after a failed write"));
    }

    @Override
    public void abort() {
      aborted.set(true);
    }
  }

  @Test
  void aFailedWriteFailsTheCommitWithItsCauseAndAbortsTheWriterSoItsSpoolFileIsDeleted() throws Exception {
    FullDiskWriter writer = new FullDiskWriter();
    Context context = vertx.getOrCreateContext();
    CompletableFuture<Throwable> result = new CompletableFuture<>();
    context.runOnContext(v -> {
      ChunkStream stream = new ChunkStream(writer, context, 16, () -> { });
      stream.append(Buffer.buffer(new byte[64]));
      stream.commit(null).onComplete(ar -> result.complete(ar.succeeded() ? null : ar.cause()));
    });
    Throwable cause = result.get(30, TimeUnit.SECONDS);
    assertTrue(StoreException.isFull(cause), "the commit fails with the write's cause: " + cause);
    Conditions.await("the writer is aborted (its spool file deleted)", writer.aborted::get);
    assertFalse(writer.committed.get(), "nothing is committed after a failed write");
    assertEquals(1, writer.writes.get(), "no write after the failed one");
  }
}
