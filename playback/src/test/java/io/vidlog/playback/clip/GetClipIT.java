package io.vidlog.playback.clip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vidlog.fragmentstore.chunk.ChunkHeader;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.media.mkv.MkvWriter;
import io.vidlog.media.mkv.SegmentInfo;
import io.vidlog.media.mkv.TrackEntry;
import io.vidlog.media.mp4.Mp4FileDemuxer;
import io.vidlog.media.mp4.Mp4Limits;
import io.vidlog.media.mp4.Mp4Sample;
import io.vidlog.playback.PlaybackConfig;
import io.vidlog.playback.testing.TestChunks;
import io.vidlog.playback.testing.TestMedia;
import io.vidlog.playback.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.KinesisVideoArchivedMediaClient;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.ClipFragmentSelectorType;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.GetClipRequest;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.GetClipResponse;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.KinesisVideoArchivedMediaException;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.NoDataRetentionException;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.ResourceNotFoundException;

/**
 * GetClip through the AWS SDK v2 client (docs/wire-protocol.md §3.3) over vidlog's real store:
 * the clip holds exactly the fragments whose start lies in the range, frame for frame;
 * producer-timestamp duplicates resolve to the earliest ingested; the limits cut the clip; and
 * each documented refusal comes as its error type.
 */
class GetClipIT {
  static final long BASE = 1_700_000_000_000L;
  static final long NOW = BASE + 3_600_000L;
  static final int COUNT = 6;
  static final long FRAGMENT_MS = 5 * TestChunks.FRAME_MILLIS;

  static TestServer server;
  static KinesisVideoArchivedMediaClient client;
  static List<TestChunks.Fragment> fragments;

  @TempDir
  Path dir;

  @BeforeAll
  static void start() throws Exception {
    server = new TestServer(PlaybackConfig.DEFAULTS, NOW);
    server.mount(new ClipApi(server.store.registry, server.store.index, server.store.archive, ClipConfig.DEFAULTS,
        () -> NOW));
    client = server.archivedClient();
    StreamInfo s = server.store.createStream("clips", 24);
    fragments = TestChunks.fragments(COUNT, BASE);
    for (TestChunks.Fragment f : fragments) {
      server.store.persist(s, f.header(), f.mkv());
    }
    // the same producer times again, ingested later: a producer that resent fragments 1..3 (each
    // frame 7 bytes longer, so the clip shows which copy it holds)
    StreamInfo d = server.store.createStream("duplicates", 24);
    for (TestChunks.Fragment f : fragments) {
      server.store.persist(d, f.header(), f.mkv());
    }
    for (int i = 1; i <= 3; i++) {
      TestChunks.Fragment resent = TestChunks.fragment(i, BASE + 60_000 + i, i * FRAGMENT_MS, 7);
      server.store.persist(d, renumbered(resent.header(), 2000 + i), resent.mkv());
    }
    server.store.createStream("no-retention", 0);
    StreamInfo audio = server.store.createStream("audio-only", 24);
    persistOneTrack(audio, new TrackEntry(1, 1, TrackEntry.TYPE_AUDIO, "A_AAC", null, new byte[] {0x11, (byte) 0x90},
        0, 0, 0, 48000, 2, 0));
    StreamInfo noPrivate = server.store.createStream("no-codec-private", 24);
    persistOneTrack(noPrivate, new TrackEntry(1, 1, TrackEntry.TYPE_VIDEO, TestMedia.CODEC_ID, null, null, 0, 96, 64,
        Double.NaN, 0, 0));
  }

  @AfterAll
  static void stop() throws Exception {
    client.close();
    server.close();
  }

  static ChunkHeader renumbered(ChunkHeader h, long number) {
    return new ChunkHeader(TestChunks.number(number), h.serverTimestampMillis(), h.producerTimestampMillis(),
        h.durationMillis(), h.clusterTimecode(), h.tracks(), h.metadata(), h.clusterOffset(), h.mkvLength());
  }

  /** One fragment of one track and the fixture's first GOP as its frames. */
  static void persistOneTrack(StreamInfo s, TrackEntry track) throws Exception {
    MkvWriter w = MkvWriter.KVS;
    Buffer mkv = Buffer.buffer().appendBytes(w.ebmlHeader()).appendBytes(w.segmentStartUnknownSize())
        .appendBytes(w.info(new SegmentInfo(SegmentInfo.DEFAULT_TIMECODE_SCALE, Double.NaN, null, "t", "t", null)))
        .appendBytes(w.tracks(List.of(track)));
    long clusterOffset = mkv.length();
    mkv.appendBytes(w.clusterStart(0, -1));
    List<TestMedia.Frame> gop = TestMedia.get().gop(0);
    for (int j = 0; j < gop.size(); j++) {
      mkv.appendBytes(w.simpleBlock(1, j * TestChunks.FRAME_MILLIS, gop.get(j).keyFrame() ? MkvWriter.FLAG_KEY : 0,
          gop.get(j).data()));
    }
    ChunkHeader h = new ChunkHeader(TestChunks.number(1), BASE, 0, FRAGMENT_MS, 0,
        List.of(new ChunkHeader.TrackSummary(1, track.codecId(), gop.size())), List.of(), clusterOffset, mkv.length());
    server.store.persist(s, h, mkv);
  }

  static GetClipRequest request(String stream, ClipFragmentSelectorType type, long fromMillis, long toMillis) {
    return GetClipRequest.builder().streamName(stream).clipFragmentSelector(s -> s.fragmentSelectorType(type)
        .timestampRange(r -> r.startTimestamp(Instant.ofEpochMilli(fromMillis))
            .endTimestamp(Instant.ofEpochMilli(toMillis)))).build();
  }

  List<Mp4Sample> samples(byte[] mp4) throws Exception {
    Path file = Files.createTempFile(dir, "clip", ".mp4");
    Files.write(file, mp4);
    List<Mp4Sample> out = new ArrayList<>();
    try (Mp4FileDemuxer d = Mp4FileDemuxer.open(file, Mp4Limits.defaults())) {
      assertEquals(1, d.tracks().size());
      assertEquals(96, d.tracks().get(0).width());
      for (Mp4Sample s = d.next(); s != null; s = d.next()) {
        out.add(s);
      }
    }
    return out;
  }

  static byte[] bytes(Mp4Sample s) {
    byte[] b = new byte[s.payload().remaining()];
    s.payload().duplicate().get(b);
    return b;
  }

  /** The clip holds exactly these fragments' frames, in order, each with its bytes and key flag. */
  void assertFrames(List<TestChunks.Fragment> expected, byte[] mp4) throws Exception {
    List<Mp4Sample> got = samples(mp4);
    List<TestMedia.Frame> frames = expected.stream().flatMap(f -> f.frames().stream()).toList();
    assertEquals(frames.size(), got.size(), "frames in the clip");
    for (int i = 0; i < frames.size(); i++) {
      assertArrayEquals(frames.get(i).data(), bytes(got.get(i)), "frame " + i);
      assertEquals(frames.get(i).keyFrame(), got.get(i).key(), "key flag of frame " + i);
    }
  }

  @Test
  void aProducerTimestampRangeGivesEveryFragmentThatStartsInIt() throws Exception {
    ResponseBytes<GetClipResponse> clip = client.getClipAsBytes(request("clips",
        ClipFragmentSelectorType.PRODUCER_TIMESTAMP, 0, COUNT * FRAGMENT_MS));
    assertEquals("video/mp4", clip.response().contentType());
    assertFrames(fragments, clip.asByteArray());
  }

  @Test
  void aServerTimestampRangeIsInclusiveOnFragmentStarts() throws Exception {
    // fragment 1 starts at BASE + 500, fragment 3 at BASE + 1500: both ends included
    byte[] mp4 = client.getClipAsBytes(request("clips", ClipFragmentSelectorType.SERVER_TIMESTAMP,
        BASE + FRAGMENT_MS, BASE + 3 * FRAGMENT_MS)).asByteArray();
    assertFrames(fragments.subList(1, 4), mp4);
    // starting 1 ms after fragment 1 leaves it out: it started before the range
    assertFrames(fragments.subList(2, 4), client.getClipAsBytes(request("clips", ClipFragmentSelectorType.SERVER_TIMESTAMP,
        BASE + FRAGMENT_MS + 1, BASE + 3 * FRAGMENT_MS)).asByteArray());
  }

  @Test
  void producerTimestampDuplicatesResolveToTheEarliestIngested() throws Exception {
    byte[] mp4 = client.getClipAsBytes(request("duplicates", ClipFragmentSelectorType.PRODUCER_TIMESTAMP, 0,
        COUNT * FRAGMENT_MS)).asByteArray();
    assertFrames(fragments, mp4);
  }

  @Test
  void theLimitsGiveTheFirstPartOfALongerRange() throws Exception {
    long oneFragment = fragments.get(0).frames().stream().mapToLong(f -> f.data().length).sum();
    try (TestServer limited = new TestServer(PlaybackConfig.DEFAULTS, NOW)) {
      StreamInfo s = limited.store.createStream("clips", 24);
      for (TestChunks.Fragment f : fragments) {
        limited.store.persist(s, f.header(), f.mkv());
      }
      limited.mount(new ClipApi(limited.store.registry, limited.store.index, limited.store.archive,
          ClipConfig.DEFAULTS.withMaxFragments(2), () -> NOW));
      try (KinesisVideoArchivedMediaClient c = limited.archivedClient()) {
        assertFrames(fragments.subList(0, 2), c.getClipAsBytes(request("clips",
            ClipFragmentSelectorType.PRODUCER_TIMESTAMP, 0, COUNT * FRAGMENT_MS)).asByteArray());
      }
    }
    try (TestServer limited = new TestServer(PlaybackConfig.DEFAULTS, NOW)) {
      StreamInfo s = limited.store.createStream("clips", 24);
      for (TestChunks.Fragment f : fragments) {
        limited.store.persist(s, f.header(), f.mkv());
      }
      // one fragment and a byte: the second fragment's key frame does not fit
      limited.mount(new ClipApi(limited.store.registry, limited.store.index, limited.store.archive,
          ClipConfig.DEFAULTS.withMaxBytes(oneFragment + 1), () -> NOW));
      try (KinesisVideoArchivedMediaClient c = limited.archivedClient()) {
        assertFrames(fragments.subList(0, 1), c.getClipAsBytes(request("clips",
            ClipFragmentSelectorType.PRODUCER_TIMESTAMP, 0, COUNT * FRAGMENT_MS)).asByteArray());
      }
    }
  }

  @Test
  void refusals() {
    assertError(ResourceNotFoundException.class, 404, "No fragments",
        c -> c.getClipAsBytes(request("clips", ClipFragmentSelectorType.PRODUCER_TIMESTAMP, 100_000, 200_000)));
    assertError(ResourceNotFoundException.class, 404, "",
        c -> c.getClipAsBytes(request("no-such-stream", ClipFragmentSelectorType.PRODUCER_TIMESTAMP, 0, 1)));
    assertError(NoDataRetentionException.class, 400, "",
        c -> c.getClipAsBytes(request("no-retention", ClipFragmentSelectorType.PRODUCER_TIMESTAMP, 0, 1)));
    assertError(InvalidArgumentException.class, 400, "later than StartTimestamp",
        c -> c.getClipAsBytes(request("clips", ClipFragmentSelectorType.PRODUCER_TIMESTAMP, 1000, 1000)));
    assertError(InvalidArgumentException.class, 400, "within 24 hours",
        c -> c.getClipAsBytes(request("clips", ClipFragmentSelectorType.PRODUCER_TIMESTAMP, 0, 24 * 3600_000L + 1)));
    assertError(InvalidArgumentException.class, 400, "in the past",
        c -> c.getClipAsBytes(request("clips", ClipFragmentSelectorType.SERVER_TIMESTAMP, BASE, NOW + 1)));
    assertError(KinesisVideoArchivedMediaException.class, 400, "UnsupportedStreamMediaType",
        c -> c.getClipAsBytes(request("audio-only", ClipFragmentSelectorType.PRODUCER_TIMESTAMP, 0, 1000)));
    assertError(KinesisVideoArchivedMediaException.class, 400, "MissingCodecPrivateData",
        c -> c.getClipAsBytes(request("no-codec-private", ClipFragmentSelectorType.PRODUCER_TIMESTAMP, 0, 1000)));
  }

  static void assertError(Class<? extends KinesisVideoArchivedMediaException> type, int status, String text,
      Consumer<KinesisVideoArchivedMediaClient> call) {
    KinesisVideoArchivedMediaException e = assertThrows(type, () -> call.accept(client));
    assertEquals(status, e.statusCode(), e.getMessage());
    String all = e.awsErrorDetails().errorCode() + " " + e.getMessage();
    assertTrue(all.contains(text), all);
  }
}
