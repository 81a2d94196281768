package io.vidlog.server.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.kinesisvideo.model.AckEvent;
import io.vidlog.server.VidlogServer;
import io.vidlog.server.keys.AdminCredentials;
import io.vidlog.server.media.KvsStream.MediaFrame;
import io.vidlog.server.support.TestServers;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.kinesisvideo.KinesisVideoClient;
import software.amazon.awssdk.services.kinesisvideo.model.APIName;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.KinesisVideoArchivedMediaClient;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.Fragment;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.FragmentSelectorType;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.GetMediaForFragmentListResponse;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.ListFragmentsRequest;
import software.amazon.awssdk.services.kinesisvideomedia.KinesisVideoMediaClient;
import software.amazon.awssdk.services.kinesisvideomedia.model.GetMediaResponse;
import software.amazon.awssdk.services.kinesisvideomedia.model.StartSelector;
import software.amazon.awssdk.services.kinesisvideomedia.model.StartSelectorType;

/**
 * The whole product over HTTPS with SigV4, driven only by AWS's clients: a stream made with the SDK
 * v2 control-plane client, an MKV (H.264 + AAC) uploaded with AWS's v1 PutMedia client, then read
 * back with ListFragments, GetMedia (EARLIEST, FRAGMENT_NUMBER, CONTINUATION_TOKEN) and
 * GetMediaForFragmentList, parsed by the KVS parser library. Every endpoint comes from GetDataEndpoint.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MediaRoundTripIT {
  static final String STREAM = "roundtrip-1";
  VidlogServer server;
  AdminCredentials admin;
  KinesisVideoMediaClient media;
  KinesisVideoArchivedMediaClient archived;
  /** Every frame of the fixture, in file order, as the parser library reads the file itself. */
  List<MediaFrame> uploadedFrames;
  List<AckEvent> persisted;
  Date producerStart;
  Instant before;
  Instant after;
  Path dataDir;

  @BeforeAll
  void uploadOnce(@TempDir Path dataDir, @TempDir Path work) throws Exception {
    this.dataDir = dataDir;
    server = TestServers.start(dataDir, Map.of());
    admin = server.admin().credentials();
    MediaClients.trustServerCertificate(dataDir, work);
    URI putEndpoint;
    try (KinesisVideoClient kvs = TestServers.adminClient(server)) {
      kvs.createStream(r -> r.streamName(STREAM).dataRetentionInHours(24).mediaType("video/h264,audio/aac"));
      putEndpoint = MediaClients.dataEndpoint(kvs, STREAM, APIName.PUT_MEDIA);
      media = MediaClients.media(MediaClients.dataEndpoint(kvs, STREAM, APIName.GET_MEDIA),
          admin.accessKeyId(), admin.secretAccessKey());
      archived = MediaClients.archived(MediaClients.dataEndpoint(kvs, STREAM, APIName.LIST_FRAGMENTS),
          admin.accessKeyId(), admin.secretAccessKey());
    }
    byte[] mkv = MediaClients.resource("ffmpeg-live-av.mkv");
    uploadedFrames = KvsStream.read(new ByteArrayInputStream(mkv)).frames;
    assertTrue(uploadedFrames.stream().map(MediaFrame::track).distinct().count() == 2, "audio and video");
    producerStart = new Date(System.currentTimeMillis() - 60_000);
    before = Instant.now().minusSeconds(1);
    MediaClients.Upload upload = MediaClients.putMedia(putEndpoint, admin.accessKeyId(), admin.secretAccessKey(),
        STREAM, mkv, producerStart);
    after = Instant.now().plusSeconds(1);
    assertNull(upload.failure(), () -> "upload failed: " + upload.failure());
    assertTrue(upload.ofType("ERROR").isEmpty(), upload.acks()::toString);
    persisted = upload.ofType("PERSISTED");
    assertFalse(persisted.isEmpty(), upload.acks()::toString);
    for (String type : List.of("BUFFERING", "RECEIVED")) {
      assertEquals(numbers(persisted), numbers(upload.ofType(type)), type + " acks: " + upload.acks());
    }
  }

  @AfterAll
  void stop() {
    System.clearProperty("javax.net.ssl.trustStore");
    System.clearProperty("javax.net.ssl.trustStorePassword");
    System.clearProperty("javax.net.ssl.trustStoreType");
    if (media != null) {
      media.close();
      archived.close();
    }
    if (server != null) {
      server.stop();
    }
  }

  static List<String> numbers(List<AckEvent> acks) {
    return acks.stream().map(AckEvent::getFragmentNumber).toList();
  }

  static List<String> listed(List<Fragment> fragments) {
    return fragments.stream().sorted(Comparator.comparing(Fragment::producerTimestamp))
        .map(Fragment::fragmentNumber).toList();
  }

  KvsStream getMedia(StartSelector selector, Predicate<KvsStream> stop) throws Exception {
    try (ResponseInputStream<GetMediaResponse> in = media.getMedia(r -> r.streamName(STREAM).startSelector(selector),
        ResponseTransformer.toInputStream())) {
      assertEquals("video/webm", in.response().contentType());
      KvsStream parsed = KvsStream.read(in, stop, c -> { });
      in.abort(); // GetMedia of a live stream never ends by itself: a consumer stops reading
      return parsed;
    }
  }

  /** The chunks a consumer read match the PERSISTED acks from {@code from} on, frame for frame. */
  void assertChunksMatchAcks(KvsStream parsed, int from) {
    List<AckEvent> expected = persisted.subList(from, persisted.size());
    assertEquals(numbers(expected), parsed.completeNumbers());
    for (int i = 0; i < expected.size(); i++) {
      KvsStream.Chunk c = parsed.completeChunks().get(i);
      // RELATIVE timecodes: producer timestamp = producer start + the fragment's cluster timecode
      assertEquals(producerStart.getTime() + expected.get(i).getFragmentTimecode(),
          c.metadata.getProducerSideTimestampMillis(), "producer timestamp of " + c.number());
      assertTrue(c.metadata.isSuccess());
    }
  }

  @Test
  void listFragmentsListsExactlyTheAckedFragments() {
    List<Fragment> all = archived.listFragmentsPaginator(ListFragmentsRequest.builder().streamName(STREAM).build())
        .fragments().stream().toList();
    assertEquals(numbers(persisted), listed(all));
    List<Fragment> ranged = archived.listFragmentsPaginator(ListFragmentsRequest.builder().streamName(STREAM)
        .fragmentSelector(s -> s.fragmentSelectorType(FragmentSelectorType.SERVER_TIMESTAMP)
            .timestampRange(t -> t.startTimestamp(before).endTimestamp(after))).build()).fragments().stream().toList();
    assertEquals(numbers(persisted), listed(ranged));
    for (Fragment f : ranged) {
      assertTrue(f.fragmentSizeInBytes() > 0 && f.fragmentLengthInMilliseconds() > 0, f.toString());
    }
    List<Fragment> empty = archived.listFragments(r -> r.streamName(STREAM)
        .fragmentSelector(s -> s.fragmentSelectorType(FragmentSelectorType.SERVER_TIMESTAMP)
            .timestampRange(t -> t.startTimestamp(before.minusSeconds(3600)).endTimestamp(before)))).fragments();
    assertTrue(empty.isEmpty(), empty::toString);
  }

  @Test
  void getMediaEarliestYieldsEveryUploadedFrameOnceInOrder() throws Exception {
    KvsStream parsed = getMedia(StartSelector.builder().startSelectorType(StartSelectorType.EARLIEST).build(),
        KvsStream.afterChunks(persisted.size()));
    assertChunksMatchAcks(parsed, 0);
    assertEquals(uploadedFrames, parsed.completeFrames());
  }

  @Test
  void getMediaFromAFragmentNumberStartsWithTheChunkAfterIt() throws Exception {
    // docs/wire-protocol.md §2: with FRAGMENT_NUMBER, streaming starts with the chunk *after* AfterFragmentNumber
    for (int after = 0; after < 2; after++) {
      String number = persisted.get(after).getFragmentNumber();
      KvsStream rest = getMedia(StartSelector.builder().startSelectorType(StartSelectorType.FRAGMENT_NUMBER)
          .afterFragmentNumber(number).build(), KvsStream.afterChunks(persisted.size() - after - 1));
      assertChunksMatchAcks(rest, after + 1);
    }
  }

  @Test
  void continuationTokenResumesExactlyAfter() throws Exception {
    KvsStream head = getMedia(StartSelector.builder().startSelectorType(StartSelectorType.EARLIEST).build(),
        KvsStream.afterChunks(2));
    assertEquals(numbers(persisted.subList(0, 2)), head.completeNumbers());
    String token = head.completeChunks().get(1).token();
    KvsStream tail = getMedia(StartSelector.builder().startSelectorType(StartSelectorType.CONTINUATION_TOKEN)
        .continuationToken(token).build(), KvsStream.afterChunks(persisted.size() - 2));
    assertChunksMatchAcks(tail, 2);
    List<MediaFrame> joined = new java.util.ArrayList<>(head.completeFrames());
    joined.addAll(tail.completeFrames());
    assertEquals(uploadedFrames, joined, "every frame exactly once across the two sessions");
  }

  /**
   * The server ran on the product's store: one chunk file per persisted fragment under the data
   * dir, sealed (no uploaded frame's bytes in any of them).
   */
  @Test
  void eachFragmentIsOneSealedChunkFileUnderTheDataDir() throws Exception {
    List<Path> chunks;
    try (var files = Files.walk(dataDir.resolve("objects"))) {
      chunks = files.filter(f -> Files.isRegularFile(f) && f.getParent().getFileName().toString().equals("chunks"))
          .toList();
    }
    assertEquals(persisted.size(), chunks.size(), chunks::toString);
    // 32 bytes from the middle of each frame long enough that they cannot occur in ciphertext by chance
    List<String> samples = uploadedFrames.stream().filter(f -> f.data().length >= 64)
        .map(f -> new String(f.data(), f.data().length / 2 - 16, 32, StandardCharsets.ISO_8859_1)).toList();
    assertFalse(samples.isEmpty());
    for (Path chunk : chunks) {
      String stored = new String(Files.readAllBytes(chunk), StandardCharsets.ISO_8859_1);
      for (String sample : samples) {
        assertFalse(stored.contains(sample), "plaintext frame bytes in " + chunk);
      }
    }
  }

  @Test
  void getMediaForFragmentListReturnsTheSameFrames() throws Exception {
    try (ResponseInputStream<GetMediaForFragmentListResponse> in = archived.getMediaForFragmentList(
        r -> r.streamName(STREAM).fragments(numbers(persisted)), ResponseTransformer.toInputStream())) {
      KvsStream parsed = KvsStream.read(in); // this response ends after the last listed fragment
      assertEquals(numbers(persisted), parsed.chunks.stream().map(KvsStream.Chunk::number).toList());
      assertEquals(uploadedFrames, parsed.frames);
    }
  }
}
