package io.vidlog.server.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.AmazonServiceException;
import io.vertx.core.json.JsonObject;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.kvs.StreamRef;
import io.vidlog.server.VidlogServer;
import io.vidlog.server.auth.AccessKeyStore;
import io.vidlog.server.auth.Policy;
import io.vidlog.server.keys.AdminCredentials;
import io.vidlog.server.support.SignedHttp;
import io.vidlog.server.support.TestServers;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.kinesisvideo.KinesisVideoClient;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.KinesisVideoArchivedMediaClient;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.Fragment;
import software.amazon.awssdk.services.kinesisvideomedia.KinesisVideoMediaClient;
import software.amazon.awssdk.services.kinesisvideomedia.model.KinesisVideoMediaException;
import software.amazon.awssdk.services.kinesisvideomedia.model.StartSelectorType;

/**
 * Media routes under a restricted key (created in the server's access-key store, as AuthIT does)
 * allowed only {@code PutMedia} on {@code cam-*}: AWS's v1 PutMedia client may upload to cam-1 and is
 * refused elsewhere with an AWS error type, GetMedia is refused, and an unsigned PutMedia is refused.
 * A refused upload stores nothing: neither a fragment in the index nor a chunk in the archive.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MediaAuthIT {
  VidlogServer server;
  AdminCredentials admin;
  AccessKeyStore.Resolved camOnly;
  byte[] mkv;

  @BeforeAll
  void start(@TempDir Path dataDir, @TempDir Path work) throws Exception {
    server = TestServers.start(dataDir, Map.of());
    admin = server.admin().credentials();
    MediaClients.trustServerCertificate(dataDir, work);
    try (KinesisVideoClient kvs = TestServers.adminClient(server)) {
      kvs.createStream(r -> r.streamName("cam-1").dataRetentionInHours(24));
      kvs.createStream(r -> r.streamName("other").dataRetentionInHours(24));
      kvs.createStream(r -> r.streamName("cam-unsigned").dataRetentionInHours(24));
    }
    camOnly = server.accessKeys().create("cam-uploader", new Policy(false, Set.of("PutMedia"), List.of("cam-*")))
        .await();
    mkv = MediaClients.resource("ffmpeg-live-av.mkv");
  }

  @AfterAll
  void stop() {
    System.clearProperty("javax.net.ssl.trustStore");
    System.clearProperty("javax.net.ssl.trustStorePassword");
    System.clearProperty("javax.net.ssl.trustStoreType");
    if (server != null) {
      server.stop();
    }
  }

  MediaClients.Upload upload(String stream) throws Exception {
    return MediaClients.putMedia(server.url(), camOnly.key().id(), camOnly.secret(), stream, mkv,
        new Date(System.currentTimeMillis() - 60_000));
  }

  /**
   * Proves that a refused PutMedia stored nothing on {@code stream}: a later, allowed upload
   * ({@code marker}) is persisted, and afterwards the stream holds exactly the marker's fragments,
   * in the index (ListFragments) and in the archive (the sealed chunks on disk). Anything the
   * refused request had stored, however late, would be an extra fragment here.
   */
  void assertOnlyTheMarkerWasStored(String stream, MediaClients.Upload marker) throws Exception {
    assertNull(marker.failure(), () -> String.valueOf(marker.failure()));
    List<String> persisted = marker.ofType("PERSISTED").stream().map(a -> a.getFragmentNumber()).sorted().toList();
    assertEquals(4, persisted.size(), marker.acks()::toString);
    try (KinesisVideoArchivedMediaClient archived = MediaClients.archived(server.url(), admin.accessKeyId(),
        admin.secretAccessKey())) {
      List<String> listed = archived.listFragmentsPaginator(r -> r.streamName(stream)).fragments().stream()
          .map(Fragment::fragmentNumber).sorted().toList();
      assertEquals(persisted, listed, "ListFragments of " + stream);
    }
    StreamInfo info = server.fragments().registry().describe(StreamRef.byName(stream)).await();
    List<String> chunks = server.fragments().archive().list(info, null, 1_000).await().stream()
        .map(FragmentNumber::value).toList();
    assertEquals(persisted, chunks, "chunks stored for " + stream);
  }

  @Test
  void putMediaToAnAllowedStreamIsPersisted() throws Exception {
    MediaClients.Upload u = upload("cam-1");
    assertNull(u.failure(), () -> String.valueOf(u.failure()));
    assertTrue(u.ofType("ERROR").isEmpty(), u.acks()::toString);
    assertEquals(4, u.ofType("PERSISTED").size(), u.acks()::toString);
    try (KinesisVideoMediaClient media = MediaClients.media(server.url(), admin.accessKeyId(), admin.secretAccessKey())) {
      // the admin sees what the restricted key uploaded
      try (var in = media.getMedia(r -> r.streamName("cam-1").startSelector(s -> s.startSelectorType(
          StartSelectorType.EARLIEST)), ResponseTransformer.toInputStream())) {
        KvsStream parsed = KvsStream.read(in, KvsStream.afterChunks(1), c -> { });
        in.abort();
        assertEquals(u.ofType("PERSISTED").get(0).getFragmentNumber(), parsed.completeNumbers().get(0));
      }
    }
  }

  // docs/wire-protocol.md §1.3 / §2: the media APIs' only refusal type is NotAuthorizedException (401)
  @Test
  void putMediaToAnotherStreamIsRefused() throws Exception {
    MediaClients.Upload u = upload("other");
    assertTrue(u.ofType("PERSISTED").isEmpty(), u.acks()::toString);
    AmazonServiceException e = assertInstanceOf(AmazonServiceException.class, u.failure(), () -> u.acks().toString());
    assertEquals("NotAuthorizedException", e.getErrorCode(), e::toString);
    assertEquals(401, e.getStatusCode(), e::toString);
    // a stream that does not exist is refused the same way: the key learns nothing about names
    AmazonServiceException missing = assertInstanceOf(AmazonServiceException.class, upload("other-404").failure());
    assertEquals("NotAuthorizedException", missing.getErrorCode(), missing::toString);
    assertOnlyTheMarkerWasStored("other", MediaClients.putMedia(server.url(), admin.accessKeyId(),
        admin.secretAccessKey(), "other", mkv, new Date(System.currentTimeMillis() - 60_000)));
  }

  @Test
  void getMediaIsRefused() {
    try (KinesisVideoMediaClient media = MediaClients.media(server.url(), camOnly.key().id(), camOnly.secret())) {
      KinesisVideoMediaException e = assertThrows(KinesisVideoMediaException.class,
          () -> media.getMedia(r -> r.streamName("cam-1").startSelector(s -> s.startSelectorType(
              StartSelectorType.EARLIEST)), ResponseTransformer.toBytes()));
      assertEquals("NotAuthorizedException", e.awsErrorDetails().errorCode(), e::toString);
      assertEquals(401, e.statusCode());
    }
  }

  @Test
  void unsignedPutMediaIsRefused() throws Exception {
    HttpResponse<String> r = new SignedHttp(server.url()).unsigned("POST", "/putMedia", new String(mkv,
        java.nio.charset.StandardCharsets.ISO_8859_1), Map.of("x-amzn-stream-name", List.of("cam-unsigned")));
    assertEquals(401, r.statusCode(), r.body());
    assertEquals("NotAuthorizedException", r.headers().firstValue("x-amzn-ErrorType").orElse(null));
    assertEquals("NotAuthorizedException", new JsonObject(r.body()).getString("__type"));
    // nothing was stored for the refused request: the key's own upload afterwards is all there is
    assertOnlyTheMarkerWasStored("cam-unsigned", upload("cam-unsigned"));
  }
}
