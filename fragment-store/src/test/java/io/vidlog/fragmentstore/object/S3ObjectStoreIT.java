package io.vidlog.fragmentstore.object;

import static io.vidlog.fragmentstore.testing.Await.await;
import static io.vidlog.fragmentstore.testing.Await.storeFailure;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.vidlog.fragmentstore.testing.Conditions;
import java.net.URI;
import java.util.UUID;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The contract suite on the s3 backend against S3Proxy (an S3 server nobody here wrote), started
 * in-process on an ephemeral loopback port and spoken to over real HTTP with SigV4. Each test gets
 * a fresh bucket, which the store creates.
 */
class S3ObjectStoreIT extends ObjectStoreContract {
  private static final String KEY = "vidlog-test-access";
  private static final String SECRET = "vidlog-test-secret-0123456789";
  private static S3Proxy proxy;
  private static String endpoint;

  @BeforeAll
  static void startS3Proxy() throws Exception {
    proxy = S3Proxy.builder().blobStore(new TransientNio2BlobStore())
        .endpoint(URI.create("http://127.0.0.1:0"))
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, KEY, SECRET)
        .build();
    proxy.start();
    // S3Proxy offers no start latch: wait for Jetty's state
    Conditions.await("S3Proxy has started", () -> "STARTED".equals(proxy.getState()));
    endpoint = "http://127.0.0.1:" + proxy.getPort();
  }

  @AfterAll
  static void stopS3Proxy() throws Exception {
    if (proxy != null) {
      proxy.stop();
    }
  }

  @Override
  protected ObjectStore newStore(Vertx vertx) {
    String bucket = "b-" + UUID.randomUUID().toString().substring(0, 8);
    return await(ObjectStores.s3(vertx, S3Config.of(endpoint, "us-east-1", bucket, KEY, SECRET)));
  }

  @Test
  void sealedChunksRoundTripThroughS3() throws Exception {
    io.vidlog.fragmentstore.crypto.Crypto crypto = await(io.vidlog.fragmentstore.crypto.Crypto.open(vertx, store,
        temp.resolve("keys")));
    var archive = await(io.vidlog.fragmentstore.chunk.SealedFragmentArchive.open(vertx, store, crypto,
        temp.resolve("spool")));
    var stream = new io.vidlog.fragmentstore.streams.StreamInfo("s", "arn", "s3-stream-1",
        io.vidlog.fragmentstore.streams.StreamStatus.ACTIVE, "d", "video/h264", null, 1, "1", 0, java.util.Map.of());
    var number = new io.vidlog.fragmentstore.FragmentNumber("00000000000000000001");
    byte[] mkv = allByteValues(1_500_000);
    var header = new io.vidlog.fragmentstore.chunk.ChunkHeader(number, 1, 2, 3, 4, java.util.List.of(),
        java.util.List.of(), 5, mkv.length);
    io.vertx.core.Context ctx = vertx.getOrCreateContext();
    io.vertx.core.Promise<byte[]> read = io.vertx.core.Promise.promise();
    ctx.runOnContext(v -> {
      var w = archive.begin(stream, number);
      w.write(io.vertx.core.buffer.Buffer.buffer(mkv)).compose(x -> w.commit(header))
          .compose(x -> archive.open(stream, number))
          .compose(r -> {
            var st = r.mkv();
            var all = st.collect(java.util.stream.Collector.of(io.vertx.core.buffer.Buffer::buffer,
                io.vertx.core.buffer.Buffer::appendBuffer, io.vertx.core.buffer.Buffer::appendBuffer));
            st.resume(); // the chunk stream starts paused (FragmentArchive contract)
            return all;
          })
          .map(io.vertx.core.buffer.Buffer::getBytes).onComplete(read);
    });
    org.junit.jupiter.api.Assertions.assertArrayEquals(mkv, await(read.future()));
    assertEquals(header, await(archive.header(stream, number)));
    try (var spool = java.nio.file.Files.list(temp.resolve("spool"))) {
      assertEquals(0, spool.count(), "the s3 store deletes the spool file after upload");
    }
  }

  @Test
  void wrongSecretIsDenied() {
    StoreException e = storeFailure(ObjectStores.s3(vertx, S3Config.of(endpoint, "us-east-1", "denied", KEY, "wrong-secret")));
    assertEquals(StoreException.Kind.DENIED, e.kind(), e.getMessage());
  }

  @Test
  void invalidBucketNameIsInvalid() {
    StoreException e = storeFailure(ObjectStores.s3(vertx, S3Config.of(endpoint, "us-east-1", "x", KEY, SECRET)));
    assertEquals(StoreException.Kind.INVALID, e.kind(), e.getMessage());
  }

  @Test
  void unreachableServerIsUnavailable() {
    StoreException e = storeFailure(ObjectStores.s3(vertx, S3Config.of("http://127.0.0.1:1", "us-east-1", "unreachable", KEY, SECRET)));
    assertEquals(StoreException.Kind.UNAVAILABLE, e.kind(), e.getMessage());
  }
}
