package io.vidlog.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.kvs.KvsError;
import io.vidlog.producer.testing.TestVidlog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The control-plane calls, TLS trust and signing of the client against a real vidlog. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ControlPlaneIT {
  TestVidlog vidlog;
  VidlogClient client;

  @BeforeAll
  void start(@TempDir Path dataDir) throws Exception {
    vidlog = TestVidlog.start(dataDir);
    client = vidlog.client();
  }

  @AfterAll
  void stop() {
    client.close();
    vidlog.close();
  }

  @Test
  void streamsAreCreatedDescribedListedAndDeleted() {
    String arn = client.createStream(StreamSpec.named("cp-a").withRetentionHours(48).withMediaType("video/h264")
        .withDeviceName("cam").withTags(Map.of("site", "north")));
    client.createStream(StreamSpec.named("cp-b"));
    client.createStream(StreamSpec.named("other"));
    StreamInfo a = client.describeStream("cp-a");
    assertEquals(arn, a.streamArn());
    assertEquals(48, a.dataRetentionInHours());
    assertEquals("video/h264", a.mediaType());
    assertEquals("cam", a.deviceName());
    assertTrue(a.isActive());
    assertEquals(List.of("cp-a", "cp-b"), client.listStreams("cp-").stream().map(StreamInfo::streamName).toList());
    assertTrue(client.listStreams(null).size() >= 3);
    ServiceException inUse = assertThrows(ServiceException.class, () -> client.createStream(StreamSpec.named("cp-a")));
    assertEquals(Optional.of(KvsError.RESOURCE_IN_USE), inUse.error());
    assertEquals(400, inUse.statusCode());
    assertTrue(inUse.requestId() != null && !inUse.requestId().isEmpty());
    client.deleteStream("cp-b");
    assertEquals(Optional.empty(), client.findStream("cp-b"));
    ServiceException missing = assertThrows(ServiceException.class, () -> client.describeStream("cp-b"));
    assertTrue(missing.is(KvsError.RESOURCE_NOT_FOUND), missing.getMessage());
    assertEquals(a.streamName(), client.ensureStream(StreamSpec.named("cp-a"), Duration.ofSeconds(5)).streamName());
    assertEquals("cp-c", client.ensureStream(StreamSpec.named("cp-c"), Duration.ofSeconds(5)).streamName());
  }

  @Test
  void dataEndpointsComeFromGetDataEndpoint() {
    client.ensureStream(StreamSpec.named("ep-endpoints"), Duration.ofSeconds(5));
    assertEquals(vidlog.server.ingestUrl().getPort(), client.dataEndpoint("ep-endpoints", ApiName.PUT_MEDIA).getPort());
    assertEquals(vidlog.url().getPort(), client.dataEndpoint("ep-endpoints", ApiName.GET_MEDIA).getPort());
    ServiceException e = assertThrows(ServiceException.class, () -> client.dataEndpoint("ep-none", ApiName.GET_MEDIA));
    assertTrue(e.is(KvsError.RESOURCE_NOT_FOUND));
  }

  @Test
  void theServerCertificateMustBeTrustedUnlessInsecureIsChosen() {
    try (VidlogClient system = VidlogClient.builder().endpoint(vidlog.url()).credentials(vidlog.credentials()).build()) {
      ConnectionException e = assertThrows(ConnectionException.class, () -> system.listStreams(null));
      assertTrue(e.getMessage().contains("cannot connect") && e.getMessage().contains("SSLHandshakeException"),
          e.getMessage());
    }
    try (VidlogClient insecure = VidlogClient.builder().endpoint(vidlog.url()).credentials(vidlog.credentials())
        .trust(Trust.insecure()).build()) {
      insecure.listStreams(null);
    }
  }

  @Test
  void aWrongSecretIsRefusedAsNotAuthorized() {
    try (VidlogClient wrong = VidlogClient.builder().endpoint(vidlog.url()).region("eu-west-1")
        .credentials(CredentialsProvider.of(vidlog.admin.accessKeyId(), "not-the-secret"))
        .trust(Trust.pem(vidlog.certificate())).build()) {
      ServiceException e = assertThrows(ServiceException.class, () -> wrong.listStreams(null));
      assertEquals(401, e.statusCode());
      assertTrue(e.is(KvsError.NOT_AUTHORIZED), e.getMessage());
    }
  }
}
