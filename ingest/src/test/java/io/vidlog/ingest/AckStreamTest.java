package io.vidlog.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.file.FileSystemException;
import io.vidlog.fragmentstore.object.StoreException;
import io.vidlog.kvs.AckError;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** Which 5001 a fragment that was received but not stored gets (docs/wire-protocol.md §1.3). */
class AckStreamTest {

  @Test
  void aStoreWithoutSpaceIsStoreFullWhereverTheFailureCameFrom() {
    assertEquals(AckError.STORE_FULL,
        AckStream.archivalError(new StoreException(StoreException.Kind.FULL, "put: no space left")));
    // a spool write of the chunk: Vert.x's file system error around the JDK's
    assertEquals(AckError.STORE_FULL,
        AckStream.archivalError(new FileSystemException(new IOException("No space left on device"))));
    assertEquals(AckError.STORE_FULL, AckStream.archivalError(new IOException("No space left on device")));
    assertEquals(AckError.STORE_FULL, AckStream.archivalError(new IOException("Disk quota exceeded")));
  }

  @Test
  void anyOtherStoreFailureIsArchivalError() {
    assertEquals(AckError.ARCHIVAL_ERROR,
        AckStream.archivalError(new StoreException(StoreException.Kind.UNAVAILABLE, "connection refused")));
    assertEquals(AckError.ARCHIVAL_ERROR, AckStream.archivalError(new IOException("Input/output error")));
    assertEquals(AckError.ARCHIVAL_ERROR, AckStream.archivalError(new IllegalStateException("no space left")));
  }
}
