package io.vidlog.server.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesisvideo.KinesisVideoClient;
import software.amazon.awssdk.services.kinesisvideo.model.APIName;
import software.amazon.awssdk.services.kinesisvideo.model.ComparisonOperator;
import software.amazon.awssdk.services.kinesisvideo.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesisvideo.model.KinesisVideoException;
import software.amazon.awssdk.services.kinesisvideo.model.ListStreamsResponse;
import software.amazon.awssdk.services.kinesisvideo.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesisvideo.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesisvideo.model.StreamInfo;
import software.amazon.awssdk.services.kinesisvideo.model.Status;
import software.amazon.awssdk.services.kinesisvideo.model.Tag;
import software.amazon.awssdk.services.kinesisvideo.model.UpdateDataRetentionOperation;
import software.amazon.awssdk.services.kinesisvideo.model.VersionMismatchException;

/**
 * Every control-plane call (docs/wire-protocol.md §4) through the real AWS SDK for Java v2 KinesisVideoClient,
 * signed with the admin key. Subclasses start the server over a given store backend.
 */
abstract class ControlPlaneSuite {

  abstract KinesisVideoClient client();

  abstract URI url();

  /** The HTTP/1.1-only listener GetDataEndpoint names for PUT_MEDIA. */
  abstract URI ingestUrl();

  /** A name no other test of the same server uses. */
  static String unique(String base) {
    return base + "-" + Long.toString(System.nanoTime(), 36);
  }

  @Test
  void createDescribeDelete() {
    KinesisVideoClient kvs = client();
    String name = unique("cam");
    Instant before = Instant.now().minusSeconds(1);
    String arn = kvs.createStream(r -> r.streamName(name).deviceName("dev-1").mediaType("video/h264")
        .dataRetentionInHours(24).tags(Map.of("site", "lab"))).streamARN();
    assertTrue(arn.startsWith("arn:aws:kinesisvideo:") && arn.contains(":stream/" + name + "/"), arn);

    StreamInfo info = kvs.describeStream(r -> r.streamName(name)).streamInfo();
    assertEquals(name, info.streamName());
    assertEquals(arn, info.streamARN());
    assertEquals("dev-1", info.deviceName());
    assertEquals("video/h264", info.mediaType());
    assertEquals(24, info.dataRetentionInHours());
    assertEquals(Status.ACTIVE, info.status());
    assertNotNull(info.version());
    // the default key as KVS reports it: the alias ARN in the stream's region and account
    String[] arnParts = arn.split(":");
    assertEquals("arn:aws:kms:" + arnParts[3] + ":" + arnParts[4] + ":alias/aws/kinesisvideo", info.kmsKeyId());
    assertTrue(!info.creationTime().isBefore(before) && info.creationTime().isBefore(Instant.now().plusSeconds(1)),
        "creation time " + info.creationTime());
    assertEquals(info, kvs.describeStream(r -> r.streamARN(arn)).streamInfo());

    assertThrows(ResourceInUseException.class, () -> kvs.createStream(r -> r.streamName(name)));

    kvs.deleteStream(r -> r.streamARN(arn).currentVersion(info.version()));
    assertThrows(ResourceNotFoundException.class, () -> kvs.describeStream(r -> r.streamName(name)));
    assertThrows(ResourceNotFoundException.class, () -> kvs.deleteStream(r -> r.streamARN(arn)));
  }

  @Test
  void aKmsKeyGivenByIdIsDescribedByItsArn() {
    KinesisVideoClient kvs = client();
    String name = unique("kms");
    String arn = kvs.createStream(r -> r.streamName(name).kmsKeyId("1234abcd-12ab-34cd-56ef-1234567890ab")).streamARN();
    String[] arnParts = arn.split(":");
    assertEquals("arn:aws:kms:" + arnParts[3] + ":" + arnParts[4] + ":key/1234abcd-12ab-34cd-56ef-1234567890ab",
        kvs.describeStream(r -> r.streamName(name)).streamInfo().kmsKeyId());
    String alias = unique("kms-alias");
    kvs.createStream(r -> r.streamName(alias).kmsKeyId("alias/cameras"));
    assertEquals("arn:aws:kms:" + arnParts[3] + ":" + arnParts[4] + ":alias/cameras",
        kvs.describeStream(r -> r.streamName(alias)).streamInfo().kmsKeyId());
  }

  @Test
  void listStreamsPagesWithAPrefix() {
    KinesisVideoClient kvs = client();
    String prefix = unique("page");
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String n = prefix + "-" + i;
      names.add(n);
      kvs.createStream(r -> r.streamName(n));
    }
    kvs.createStream(r -> r.streamName(unique("other")));
    List<String> seen = new ArrayList<>();
    String token = null;
    int pages = 0;
    do {
      String t = token;
      ListStreamsResponse page = kvs.listStreams(r -> r.maxResults(2).nextToken(t)
          .streamNameCondition(c -> c.comparisonOperator(ComparisonOperator.BEGINS_WITH).comparisonValue(prefix)));
      page.streamInfoList().forEach(s -> seen.add(s.streamName()));
      token = page.nextToken();
      pages++;
    } while (token != null && pages < 10);
    assertEquals(names, seen);
    assertEquals(3, pages);

    // the SDK's own paginator follows NextToken too
    List<String> viaPaginator = new ArrayList<>();
    kvs.listStreamsPaginator(r -> r.maxResults(1).streamNameCondition(c -> c.comparisonValue(prefix)
        .comparisonOperator(ComparisonOperator.BEGINS_WITH))).streamInfoList()
        .forEach(s -> viaPaginator.add(s.streamName()));
    assertEquals(names, viaPaginator);
  }

  @Test
  void updatesCheckTheVersion() {
    KinesisVideoClient kvs = client();
    String name = unique("upd");
    kvs.createStream(r -> r.streamName(name).dataRetentionInHours(2));
    String v1 = kvs.describeStream(r -> r.streamName(name)).streamInfo().version();

    kvs.updateStream(r -> r.streamName(name).currentVersion(v1).deviceName("dev-2").mediaType("video/h265"));
    StreamInfo after = kvs.describeStream(r -> r.streamName(name)).streamInfo();
    assertEquals("dev-2", after.deviceName());
    assertEquals("video/h265", after.mediaType());
    assertNotEquals(v1, after.version());

    assertThrows(VersionMismatchException.class,
        () -> kvs.updateStream(r -> r.streamName(name).currentVersion(v1).deviceName("x")));
    assertThrows(VersionMismatchException.class, () -> kvs.updateDataRetention(r -> r.streamName(name)
        .currentVersion(v1).operation(UpdateDataRetentionOperation.INCREASE_DATA_RETENTION)
        .dataRetentionChangeInHours(1)));

    kvs.updateDataRetention(r -> r.streamName(name).currentVersion(after.version())
        .operation(UpdateDataRetentionOperation.INCREASE_DATA_RETENTION).dataRetentionChangeInHours(5));
    StreamInfo more = kvs.describeStream(r -> r.streamName(name)).streamInfo();
    assertEquals(7, more.dataRetentionInHours());
    kvs.updateDataRetention(r -> r.streamName(name).currentVersion(more.version())
        .operation(UpdateDataRetentionOperation.DECREASE_DATA_RETENTION).dataRetentionChangeInHours(3));
    assertEquals(4, kvs.describeStream(r -> r.streamName(name)).streamInfo().dataRetentionInHours());

    String arn = more.streamARN();
    StreamInfo now = kvs.describeStream(r -> r.streamName(name)).streamInfo();
    assertThrows(VersionMismatchException.class, () -> kvs.deleteStream(r -> r.streamARN(arn).currentVersion(v1)));
    kvs.deleteStream(r -> r.streamARN(arn).currentVersion(now.version()));
    assertThrows(ResourceNotFoundException.class, () -> kvs.updateStream(r -> r.streamName(name)
        .currentVersion(now.version()).deviceName("x")));
  }

  @Test
  void getDataEndpointReturnsThisServerForEveryApi() {
    KinesisVideoClient kvs = client();
    String name = unique("ep");
    kvs.createStream(r -> r.streamName(name));
    for (APIName api : APIName.knownValues()) {
      String endpoint = kvs.getDataEndpoint(r -> r.streamName(name).apiName(api)).dataEndpoint();
      // PutMedia goes to the HTTP/1.1-only listener; everything else to the main one (HTTP/2 too)
      assertEquals((api == APIName.PUT_MEDIA ? ingestUrl() : url()).toString(), endpoint, api.toString());
    }
    assertThrows(ResourceNotFoundException.class,
        () -> kvs.getDataEndpoint(r -> r.streamName(unique("missing")).apiName(APIName.PUT_MEDIA)));
  }

  @Test
  void streamTags() {
    KinesisVideoClient kvs = client();
    String name = unique("tags");
    kvs.createStream(r -> r.streamName(name).tags(Map.of("a", "1")));
    kvs.tagStream(r -> r.streamName(name).tags(Map.of("b", "2", "c", "3")));
    assertEquals(Map.of("a", "1", "b", "2", "c", "3"), kvs.listTagsForStream(r -> r.streamName(name)).tags());
    kvs.untagStream(r -> r.streamName(name).tagKeyList("a", "c"));
    assertEquals(Map.of("b", "2"), kvs.listTagsForStream(r -> r.streamName(name)).tags());
    assertThrows(ResourceNotFoundException.class, () -> kvs.listTagsForStream(r -> r.streamName(unique("nope"))));
  }

  @Test
  void resourceTags() {
    KinesisVideoClient kvs = client();
    String name = unique("rtags");
    String arn = kvs.createStream(r -> r.streamName(name)).streamARN();
    kvs.tagResource(r -> r.resourceARN(arn).tags(Tag.builder().key("k1").value("v1").build(),
        Tag.builder().key("k2").value("v2").build()));
    assertEquals(Map.of("k1", "v1", "k2", "v2"), kvs.listTagsForResource(r -> r.resourceARN(arn)).tags());
    kvs.untagResource(r -> r.resourceARN(arn).tagKeyList("k1"));
    assertEquals(Map.of("k2", "v2"), kvs.listTagsForResource(r -> r.resourceARN(arn)).tags());
    assertEquals(Map.of("k2", "v2"), kvs.listTagsForStream(r -> r.streamARN(arn)).tags());
  }

  @Test
  void invalidArgumentsNameTheField() {
    KinesisVideoClient kvs = client();
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
        () -> kvs.createStream(r -> r.streamName("bad name!")));
    assertTrue(e.getMessage().contains("StreamName"), e.getMessage());
    e = assertThrows(InvalidArgumentException.class,
        () -> kvs.createStream(r -> r.streamName(unique("neg")).dataRetentionInHours(-1)));
    assertTrue(e.getMessage().contains("DataRetentionInHours"), e.getMessage());
    e = assertThrows(InvalidArgumentException.class,
        () -> kvs.createStream(r -> r.streamName(unique("mt")).mediaType("not a media type")));
    assertTrue(e.getMessage().contains("MediaType"), e.getMessage());
    e = assertThrows(InvalidArgumentException.class, () -> kvs.describeStream(r -> r.streamName("x".repeat(257))));
    assertTrue(e.getMessage().contains("StreamName"), e.getMessage());
    e = assertThrows(InvalidArgumentException.class, () -> kvs.describeStream(r -> { }));
    assertTrue(e.getMessage().contains("StreamName"), e.getMessage());
    e = assertThrows(InvalidArgumentException.class, () -> kvs.listStreams(r -> r.maxResults(0)));
    assertTrue(e.getMessage().contains("MaxResults"), e.getMessage());
    e = assertThrows(InvalidArgumentException.class, () -> kvs.updateStream(r -> r.streamName("s")));
    assertTrue(e.getMessage().contains("CurrentVersion"), e.getMessage());
    e = assertThrows(InvalidArgumentException.class, () -> kvs.tagStream(r -> r.streamName("s")
        .tags(Map.of("aws:x", "y"))));
    assertTrue(e.getMessage().contains("Tags"), e.getMessage());
  }

  @Test
  void unimplementedOperationsAreAClear400() {
    KinesisVideoClient kvs = client();
    KinesisVideoException e = assertThrows(KinesisVideoException.class,
        () -> kvs.describeImageGenerationConfiguration(r -> r.streamName("s")));
    assertEquals(400, e.statusCode());
    assertEquals("UnsupportedOperationException", e.awsErrorDetails().errorCode());
    assertNotNull(e.requestId());
    e = assertThrows(KinesisVideoException.class, () -> kvs.listSignalingChannels(r -> { }));
    assertEquals(400, e.statusCode());
    assertTrue(e.getMessage().contains("/listSignalingChannels"), e.getMessage());
  }
}
