package io.vidlog.playback.hls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vidlog.fragmentstore.index.TimeIndex.TimestampKind;
import io.vidlog.fragmentstore.live.LiveFeed;
import io.vidlog.fragmentstore.live.LiveFeedConfig;
import io.vidlog.fragmentstore.live.MemoryLiveFeeds;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.fragmentstore.testing.Conditions;
import io.vidlog.fragmentstore.testing.TestStores;
import io.vidlog.kvs.KvsException;
import io.vidlog.kvs.http.Fields;
import io.vidlog.media.ByteBudget;
import io.vidlog.media.fmp4.MediaSegment;
import io.vidlog.playback.request.HlsSessionRequest;
import io.vidlog.playback.testing.TestChunks;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * LL-HLS on live sessions (docs/wire-protocol.md §3.5, "Low-Latency HLS"), on the real index, live
 * feeds and live tails, the frames published one by one: parts cut from the open fragment, their
 * tags checked against the specification's rules ({@link LlHlsRules}), numbering across fragment
 * boundaries, parts served whole and while produced, blocking reloads at, before and beyond the
 * live edge, delta updates.
 */
class LowLatencyHlsTest {
  /** Test fragments: 5 frames of 100 ms; with 200 ms parts, parts of 200, 200 and 100 ms. */
  static final long FRAGMENT = 500;
  static final long BASE = 1_800_000_000_000L;

  Vertx vertx;
  TestStores stores;
  MemoryLiveFeeds feeds;
  HlsService service;
  StreamInfo stream;
  LiveFeed feed;
  final AtomicLong clock = new AtomicLong(BASE);
  /** Range queries the service made of the index. */
  final AtomicLong ranges = new AtomicLong();

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    stores = TestStores.inMemory(vertx);
    feeds = new MemoryLiveFeeds(vertx, LiveFeedConfig.DEFAULT, clock::get);
    FragmentCatalog catalog = new FragmentCatalog(stores.archive, 1000);
    LiveTails tails = new LiveTails(vertx, feeds, catalog, clock::get, 60_000, 100, 200);
    service = new HlsService(new CountingRanges(stores.index, ranges), catalog, tails, new FragmentSource(vertx, stores.archive, feeds,
        ByteBudget.of("test", 64L << 20)), 10_000, 0);
    stream = stores.createStream("cam", 24);
    feed = feeds.feed(stream.streamId());
  }

  @AfterEach
  void tearDown() throws Exception {
    stores.close();
    vertx.close().toCompletionStage().toCompletableFuture().get();
  }

  static TestChunks.Fragment fragment(int i) {
    return TestChunks.fragment(i, BASE + i * FRAGMENT, BASE + i * FRAGMENT, 0);
  }

  HlsSession live(int max) throws Exception {
    return live(max, "ALWAYS");
  }

  HlsSession live(int max, String displayTimestamps) throws Exception {
    String request = "{\"StreamName\":\"cam\",\"MaxMediaPlaylistFragmentResults\":" + max
        + ",\"HLSFragmentSelector\":{\"FragmentSelectorType\":\"PRODUCER_TIMESTAMP\"},"
        + "\"DisplayFragmentTimestamp\":\"" + displayTimestamps + "\"}";
    HlsSessionRequest req = HlsSessionRequest.parse(new Fields(new JsonObject(request)), clock.get());
    return stores.await(() -> service.create(stream, req, clock.get()));
  }

  Future<MediaPlaylist> request(HlsSession s, HlsService.Directives d) {
    return request(s, "T", d).map(LowLatencyHlsTest::served);
  }

  Future<SessionPlaylist> request(HlsSession s, String token, HlsService.Directives d) {
    return service.media(stream, s, token, 1, clock::get, d);
  }

  /** The playlist a session is answered, as a value; its text as served is that value's rendering. */
  static MediaPlaylist served(SessionPlaylist p) {
    MediaPlaylist value = p.playlist();
    assertEquals(value.render(), p.render(), "the text served is the playlist's rendering");
    return value;
  }

  MediaPlaylist media(HlsSession s, HlsService.Directives d) throws Exception {
    return stores.await(() -> request(s, d));
  }

  MediaPlaylist media(HlsSession s) throws Exception {
    return media(s, HlsService.Directives.NONE);
  }

  /** Persists fragments [0, n) and opens a LIVE session on them (its tail subscribed). */
  HlsSession started(int n, int max) throws Exception {
    for (int i = 0; i < n; i++) {
      stores.persist(stream, fragment(i).header(), fragment(i).mkv());
    }
    clock.set(BASE + n * FRAGMENT);
    HlsSession s = live(max);
    assertNull(media(s).lowLatency(), "no part yet: a plain playlist");
    return s;
  }

  void publishUpTo(TestChunks.Fragment f, int frames) {
    for (int j = 0; j < frames; j++) {
      feed.publish(f.frame(j));
    }
  }

  MediaPlaylist awaitPlaylist(HlsSession s, String what, java.util.function.Predicate<MediaPlaylist> p)
      throws Exception {
    MediaPlaylist[] last = new MediaPlaylist[1];
    Conditions.await(what, () -> {
      try {
        last[0] = media(s);
        return p.test(last[0]);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    return last[0];
  }

  static int partialParts(MediaPlaylist p) {
    return p.lowLatency() == null || p.lowLatency().partial() == null ? -1 : p.lowLatency().partial().parts().size();
  }

  @Test
  void partsOfTheOpenFragmentAreListedAsTheyCompleteAndAcrossFragmentBoundaries() throws Exception {
    HlsSession s = started(3, 5);
    TestChunks.Fragment f3 = fragment(3);
    feed.publish(f3.start());
    publishUpTo(f3, 2);
    // frames at 0 and 100 ms: the part that started at 0 is not complete until the frame at 200 arrives
    MediaPlaylist p = awaitPlaylist(s, "the partial segment of fragment 3", q -> partialParts(q) == 0);
    assertTrue(p.render().contains("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"" + HlsUrls.part("T", f3.number(), 1, 0)),
        p.render());
    LlHlsRules.check(p.render());

    feed.publish(f3.frame(2));
    p = awaitPlaylist(s, "part 0 of fragment 3", q -> partialParts(q) == 1);
    MediaPlaylist.Part part0 = p.lowLatency().partial().parts().get(0);
    assertEquals(200, part0.durationMillis());
    assertTrue(part0.independent(), "it starts with the key frame");
    assertEquals(HlsUrls.part("T", f3.number(), 1, 0), part0.uri());
    assertTrue(p.render().contains("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"" + HlsUrls.part("T", f3.number(), 1, 1)));
    assertEquals(List.of(0L, 1L, 2L), List.of(p.mediaSequence(), p.mediaSequence() + 1, p.mediaSequence() + 2));
    LlHlsRules.Report r = LlHlsRules.check(p.render());
    assertEquals(3, r.segments(), "segments 0-2, then the partial segment 3");
    assertEquals(new LlHlsRules.Edge(2, 3, 0), r.edge(), "part 0 of segment 3 is the last part");

    // the rest of fragment 3; it ends, and fragment 4 starts
    for (int j = 3; j < 5; j++) {
      feed.publish(f3.frame(j));
    }
    feed.publish(f3.end(true));
    TestChunks.Fragment f4 = fragment(4);
    feed.publish(f4.start());
    publishUpTo(f4, 3);
    p = awaitPlaylist(s, "segment 3 complete, part 0 of segment 4", q -> partialParts(q) == 1
        && q.segments().get(q.segments().size() - 1).uri().contains(f3.number().value()));
    String text = p.render();
    r = LlHlsRules.check(text);
    MediaPlaylist.Segment seg3 = p.segments().get(p.segments().size() - 1);
    assertEquals(List.of(200L, 200L, 100L), seg3.parts().stream().map(MediaPlaylist.Part::durationMillis).toList(),
        "parts of 200 ms, the last to the segment's end");
    assertEquals(500, seg3.durationMillis());
    assertEquals(List.of(true, false, false), seg3.parts().stream().map(MediaPlaylist.Part::independent).toList());
    assertEquals(HlsUrls.part("T", f4.number(), 1, 0), p.lowLatency().partial().parts().get(0).uri(),
        "part numbering starts again in each fragment");
    assertEquals(new LlHlsRules.Edge(3, 4, 0), r.edge(), "media sequence 4 is the partial segment");
    assertTrue(text.contains("#EXT-X-PROGRAM-DATE-TIME:"), text);
  }

  /**
   * A fragment's duration as ingest counts it: from its first frame's start to its last frame's
   * start (400 ms for the test fragments' five frames of 100 ms), one frame short of its media.
   */
  static TestChunks.Fragment countedAsIngestDoes(TestChunks.Fragment f) {
    io.vidlog.fragmentstore.chunk.ChunkHeader h = f.header();
    return new TestChunks.Fragment(new io.vidlog.fragmentstore.chunk.ChunkHeader(h.number(), h.serverTimestampMillis(),
        h.producerTimestampMillis(), (f.frames().size() - 1L) * TestChunks.FRAME_MILLIS, h.clusterTimecode(),
        h.tracks(), h.metadata(), h.clusterOffset(), h.mkvLength()), f.mkv(), f.mkvHeader(), f.frames(),
        f.mkvTrailer());
  }

  @Test
  void aSegmentListedBeforeTheNextFragmentStartsLastsAsLongAsItsMedia() throws Exception {
    HlsSession s = started(3, 5);
    TestChunks.Fragment f3 = countedAsIngestDoes(fragment(3));
    feed.publish(f3.start());
    publishUpTo(f3, 5);
    awaitPlaylist(s, "parts 0 and 1 of fragment 3", q -> partialParts(q) == 2);
    feed.publish(f3.end(true));
    // listed now, while fragment 4 has not started: as a playlist request released by the end of
    // fragment 3 (a blocking reload) lists it
    MediaPlaylist p = awaitPlaylist(s, "segment 3 complete, fragment 4 not started", q ->
        q.segments().get(q.segments().size() - 1).uri().contains(f3.number().value()));
    MediaPlaylist.Segment seg3 = p.segments().get(p.segments().size() - 1);
    assertEquals(500, seg3.durationMillis(), "EXTINF: five frames of 100 ms, as the media has them");
    assertEquals(List.of(200L, 200L, 100L), seg3.parts().stream().map(MediaPlaylist.Part::durationMillis).toList());
    LlHlsRules.check(p.render());

    TestChunks.Fragment f4 = countedAsIngestDoes(fragment(4));
    feed.publish(f4.start());
    publishUpTo(f4, 3);
    p = awaitPlaylist(s, "part 0 of segment 4", q -> partialParts(q) == 1);
    MediaPlaylist.Segment listed = p.segments().get(p.segments().size() - 1);
    assertEquals(500, listed.durationMillis(), "the segment keeps its length");
    assertEquals(listed.programDateTime().plusMillis(listed.durationMillis()), p.lowLatency().partial().programDateTime(),
        "the next segment's PROGRAM-DATE-TIME is where this one ends");
  }

  @Test
  void withoutDiscontinuityTagsASegmentLastsUntilTheNextFragmentStartsAcrossAHoleTheProducerLeft() throws Exception {
    HlsSession s = started(3, 5);
    assertEquals(DiscontinuityMode.NEVER, s.discontinuity(), "the default for producer timestamps");
    TestChunks.Fragment f3 = countedAsIngestDoes(fragment(3));
    // a camera that fell behind skipped two frames: fragment 4 starts 200 ms after fragment 3's media ends
    TestChunks.Fragment f4 = countedAsIngestDoes(TestChunks.fragment(4, BASE + 4 * FRAGMENT + 200,
        BASE + 4 * FRAGMENT + 200, 0));
    long before = service.parts(stream, s).events();
    f3.publishTo(feed, true);
    feed.publish(f4.start());
    publishUpTo(f4, 3);
    // fragment 3 is listed once fragment 4 has started (its length is known then)
    Conditions.await("the live tail took in fragments 3 and 4", () -> service.parts(stream, s).events() == before + 11);
    MediaPlaylist p = awaitPlaylist(s, "part 0 of segment 4", q -> partialParts(q) == 1);
    MediaPlaylist.Segment seg3 = p.segments().get(p.segments().size() - 1);
    assertTrue(seg3.uri().contains(f3.number().value()), seg3.uri());
    assertEquals(700, seg3.durationMillis(), "EXTINF: to the next fragment's start, the hole included");
    assertEquals(List.of(200L, 200L, 300L), seg3.parts().stream().map(MediaPlaylist.Part::durationMillis).toList(),
        "the last part to the segment's end");
    assertEquals(seg3.programDateTime().plusMillis(700), p.lowLatency().partial().programDateTime(),
        "the next PROGRAM-DATE-TIME is where the playlist's timeline has it");
    LlHlsRules.check(p.render());
  }

  @Test
  void aRequestForAFragmentsLastPartIsAnsweredWhenTheNextFragmentStartsWithItsPreloadHint() throws Exception {
    HlsSession s = started(3, 5);
    TestChunks.Fragment f3 = fragment(3);
    feed.publish(f3.start());
    publishUpTo(f3, 5);
    awaitPlaylist(s, "parts 0 and 1 of segment 3", q -> partialParts(q) == 2);
    LiveParts parts = service.parts(stream, s);
    // part 2 (the frame at 400 ms) is the last one of fragment 3: complete when the fragment ends
    Future<MediaPlaylist> last = vertx.getOrCreateContext().<Future<MediaPlaylist>>executeBlocking(
        () -> request(s, new HlsService.Directives(3L, 2, false))).compose(f -> f);
    Conditions.await("held", () -> parts.held() == 1);
    long taken = parts.events();
    feed.publish(f3.end(true));
    Conditions.await("the end taken in", () -> parts.events() > taken);
    assertEquals(1, parts.held(), "still held: the next fragment has not started");
    TestChunks.Fragment f4 = fragment(4);
    feed.publish(f4.start());
    Conditions.await("answered when fragment 4 starts", last::isComplete);
    String text = last.result().render();
    assertTrue(text.contains("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"" + HlsUrls.part("T", f4.number(), 1, 0)), text);
    assertEquals(new LlHlsRules.Edge(3, 3, 2), LlHlsRules.check(text).edge(), "segment 3 complete with its 3 parts");

    // a producer that stops after a fragment: its last part is answered once a part target has passed
    publishUpTo(f4, 5);
    awaitPlaylist(s, "parts 0 and 1 of segment 4", q -> partialParts(q) == 2);
    Future<MediaPlaylist> stopped = vertx.getOrCreateContext().<Future<MediaPlaylist>>executeBlocking(
        () -> request(s, new HlsService.Directives(4L, 2, false))).compose(f -> f);
    Conditions.await("held", () -> parts.held() == 1);
    long before = parts.events();
    feed.publish(f4.end(true));
    Conditions.await("the end taken in", () -> parts.events() > before);
    assertEquals(1, parts.held());
    clock.addAndGet(200);
    Conditions.await("answered at the next sweep", stopped::isComplete);
    assertTrue(stopped.succeeded(), () -> String.valueOf(stopped.cause()));
    assertEquals(new LlHlsRules.Edge(4, 4, 2), LlHlsRules.check(stopped.result().render()).edge());
  }

  @Test
  void partsAreServedWholeOnceCompleteAndFrameByFrameWhileProduced() throws Exception {
    HlsSession s = started(3, 5);
    TestChunks.Fragment f3 = fragment(3);
    feed.publish(f3.start());
    publishUpTo(f3, 3);
    awaitPlaylist(s, "part 0 of fragment 3", q -> partialParts(q) == 1);
    LiveParts parts = service.parts(stream, s);
    Collected whole = new Collected();
    assertEquals(LiveParts.Answer.COMPLETE, parts.read(f3.number(), 1, 0, s.kind(), whole));
    assertEquals(2, whole.chunks.size(), "frames 0 and 100 ms, one moof + mdat each");
    assertTrue(whole.complete);

    Collected streamed = new Collected();
    assertEquals(LiveParts.Answer.STREAMING, parts.read(f3.number(), 1, 1, s.kind(), streamed));
    assertEquals(0, streamed.chunks.size(), "the frame at 200 ms waits for its duration");
    feed.publish(f3.frame(3));
    Conditions.await("the frame at 200 ms is streamed", () -> streamed.size() == 1);
    assertFalse(streamed.complete);
    feed.publish(f3.frame(4));
    Conditions.await("part 1 completes", () -> streamed.isComplete());
    assertEquals(2, streamed.size());

    Collected hinted = new Collected();
    assertEquals(LiveParts.Answer.STREAMING, parts.read(f3.number(), 1, 2, s.kind(), hinted));
    feed.publish(f3.end(true));
    Conditions.await("the last part completes with the fragment", () -> hinted.isComplete());
    assertEquals(1, hinted.size());

    Collected never = new Collected();
    assertEquals(LiveParts.Answer.NOT_FOUND, parts.read(f3.number(), 1, 3, s.kind(), never),
        "the fragment ended with three parts");
  }

  @Test
  void blockingReloadAtBeforeAndBeyondTheLiveEdge() throws Exception {
    HlsSession s = started(3, 5);
    TestChunks.Fragment f3 = fragment(3);
    feed.publish(f3.start());
    publishUpTo(f3, 3);
    MediaPlaylist p = awaitPlaylist(s, "part 0 of segment 3", q -> partialParts(q) == 1);
    assertEquals(2, p.mediaSequence() + p.segments().size() - 1, "segment 2 is the last complete one");

    // before the edge: answered at once
    assertEquals(1, partialParts(media(s, new HlsService.Directives(2L, -1, false))));
    assertEquals(1, partialParts(media(s, new HlsService.Directives(3L, 0, false))));
    assertEquals(1, partialParts(media(s, new HlsService.Directives(1L, 7, false))));

    // at the edge: held until part 1 of segment 3 completes, then all held requests together
    List<Future<MediaPlaylist>> held = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      held.add(vertx.getOrCreateContext().<Future<MediaPlaylist>>executeBlocking(
          () -> request(s, new HlsService.Directives(3L, 1, false))).compose(f -> f));
    }
    Conditions.await("five requests held", () -> service.parts(stream, s).held() == 5);
    assertTrue(held.stream().noneMatch(Future::isComplete));
    feed.publish(f3.frame(3));
    feed.publish(f3.frame(4)); // part 1 is 200 and 300 ms: complete when the frame at 400 arrives
    Conditions.await("the held requests are answered", () -> held.stream().allMatch(Future::isComplete));
    for (Future<MediaPlaylist> f : held) {
      assertEquals(2, partialParts(f.result()), "the answer holds part 1");
    }

    // a whole segment: held until segment 3 completes
    Future<MediaPlaylist> segment = vertx.getOrCreateContext().<Future<MediaPlaylist>>executeBlocking(
        () -> request(s, new HlsService.Directives(3L, -1, false))).compose(f -> f);
    Conditions.await("held", () -> service.parts(stream, s).held() == 1);
    feed.publish(f3.end(true));
    Conditions.await("answered when segment 3 ends", segment::isComplete);
    assertTrue(segment.result().segments().get(segment.result().segments().size() - 1).uri()
        .contains(f3.number().value()));

    // beyond: more than two segments after the last, or parts beyond the advance limit: 400 at once
    KvsException tooFar = assertThrows(KvsException.class,
        () -> media(s, new HlsService.Directives(6L, -1, false)));
    assertEquals(400, tooFar.error().status());
    KvsException partTooFar = assertThrows(KvsException.class,
        () -> media(s, new HlsService.Directives(4L, 16, false)));
    assertEquals(400, partTooFar.error().status(),
        "the advance part limit is 3 / 0.2 s = 15 parts");

    // not reached within three target durations: 503
    Future<MediaPlaylist> late = vertx.getOrCreateContext().<Future<MediaPlaylist>>executeBlocking(
        () -> request(s, new HlsService.Directives(5L, -1, false))).compose(f -> f);
    Conditions.await("held", () -> service.parts(stream, s).held() == 1);
    clock.addAndGet(3_000);
    Conditions.await("timed out", late::isComplete);
    assertEquals(503, ((KvsException) late.cause()).error().status());
  }

  @Test
  void aDeltaUpdateIsTheFullPlaylistLessTheSkippedSegments() throws Exception {
    HlsSession s = started(20, 20);
    TestChunks.Fragment f20 = fragment(20);
    feed.publish(f20.start());
    publishUpTo(f20, 3);
    MediaPlaylist full = awaitPlaylist(s, "part 0 of segment 20", q -> partialParts(q) == 1);
    // target duration 1 s: CAN-SKIP-UNTIL 6 s; segments of 0.5 s: those ending more than 6 s before the end
    assertEquals(8, full.skippable());
    MediaPlaylist delta = media(s, new HlsService.Directives(null, -1, true));
    assertEquals(8, delta.lowLatency().skipped());
    LlHlsRules.assertDeltaOf(full.render(), delta.render());
    LlHlsRules.check(delta.render());
    assertEquals(0, media(s).lowLatency().skipped(), "without _HLS_skip, the full playlist");
  }

  @Test
  void aPlayerFollowingTheDirectivesIsAnsweredWithEachNextPartAcrossFragments() throws Exception {
    HlsSession s = started(3, 5);
    List<io.vidlog.fragmentstore.live.LiveEvent> events = new ArrayList<>();
    for (int i = 3; i < 12; i++) {
      TestChunks.Fragment f = fragment(i);
      events.add(f.start());
      for (int j = 0; j < 5; j++) {
        events.add(f.frame(j));
      }
      events.add(f.end(true));
    }
    int next = 0;
    while (next < 4) {
      publish(events.get(next++));
    }
    MediaPlaylist p = awaitPlaylist(s, "part 0 of segment 3", q -> partialParts(q) == 1);
    for (int step = 0; step < 20; step++) {
      // as hls.js asks: the next part of the segment in progress, or part 0 of the next segment
      LlHlsRules.Report r = LlHlsRules.check(p.render());
      boolean atSegmentEnd = r.edge().lastPartSegment() == r.edge().lastSegment();
      HlsService.Directives d = atSegmentEnd ? new HlsService.Directives(r.edge().lastSegment() + 1, 0, false)
          : new HlsService.Directives(r.edge().lastPartSegment(), r.edge().lastPartIndex() + 1, false);
      Future<MediaPlaylist> answer = vertx.getOrCreateContext().<Future<MediaPlaylist>>executeBlocking(
          () -> request(s, d)).compose(x -> x);
      String what = "step " + step + ": " + d + " after " + r.edge();
      Conditions.await(what + " held", () -> answer.isComplete() || service.parts(stream, s).held() == 1);
      int published = 0;
      while (!answer.isComplete()) {
        assertTrue(published++ < 4, what + ": still held after 4 more events (a fragment start and the three frames that complete its first part)");
        long taken = service.parts(stream, s).events();
        publish(events.get(next++));
        Conditions.await(what + ": the event taken in", () -> service.parts(stream, s).events() > taken);
        Conditions.await(what, () -> answer.isComplete() || service.parts(stream, s).held() == 1);
      }
      assertTrue(answer.succeeded(), what + ": " + answer.cause());
      p = answer.result();
      LlHlsRules.Edge e = LlHlsRules.check(p.render()).edge();
      long msn = d.msn();
      assertTrue(e.lastPartSegment() > msn || e.lastPartSegment() == msn && e.lastPartIndex() >= d.part(),
          what + ": the answer lists the part asked for, or a later one: " + e);
    }
  }

  /** A request made on an event loop, as the HTTP layer makes it (a held one is answered there). */
  Future<SessionPlaylist> onContext(HlsSession s, String token, HlsService.Directives d) {
    return vertx.getOrCreateContext().<Future<SessionPlaylist>>executeBlocking(() -> request(s, token, d))
        .compose(f -> f);
  }

  /** A request made on {@code context} (held requests are answered on the context they came from). */
  Future<SessionPlaylist> on(io.vertx.core.Context context, HlsSession s, String token, HlsService.Directives d) {
    return context.<Future<SessionPlaylist>>executeBlocking(() -> request(s, token, d)).compose(f -> f);
  }

  @Test
  void theRequestsOneContextHoldsOnAPartAreAnsweredByOneTaskWhenItCompletes() throws Exception {
    HlsSession s = started(3, 5);
    TestChunks.Fragment f3 = fragment(3);
    feed.publish(f3.start());
    publishUpTo(f3, 3);
    awaitPlaylist(s, "part 0 of segment 3", q -> partialParts(q) == 1);
    HlsService.Directives next = new HlsService.Directives(3L, 1, false);
    io.vertx.core.Context one = vertx.getOrCreateContext();
    io.vertx.core.Context other = vertx.getOrCreateContext();
    List<Future<SessionPlaylist>> answers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      answers.add(on(one, s, "T", next));
    }
    for (int i = 0; i < 2; i++) {
      answers.add(on(other, s, "T", next));
    }
    LiveParts parts = service.parts(stream, s);
    Conditions.await("five held", () -> parts.held() == 5);
    long before = parts.dispatches();
    feed.publish(f3.frame(3));
    feed.publish(f3.frame(4));
    Conditions.await("all answered", () -> answers.stream().allMatch(Future::isComplete));

    assertEquals(2, parts.dispatches() - before, "one task for each context, not one for each request");
    for (Future<SessionPlaylist> a : answers) {
      assertEquals(2, partialParts(served(a.result())), "each answer holds part 1");
      assertTrue(a.result().shared() == answers.get(0).result().shared(), "from one rendering");
    }
  }

  @Test
  void sessionsHeldOnOnePartShareOneRenderingThatDiffersOnlyInTheirTokens() throws Exception {
    HlsSession a = started(3, 5);
    HlsSession b = live(5);
    TestChunks.Fragment f3 = fragment(3);
    feed.publish(f3.start());
    publishUpTo(f3, 3);
    awaitPlaylist(a, "part 0 of segment 3", q -> partialParts(q) == 1);
    HlsService.Directives next = new HlsService.Directives(3L, 1, false);
    // tokens of different lengths: the text around each is spliced, not overwritten
    Future<SessionPlaylist> first = onContext(a, "tokenA", next);
    Future<SessionPlaylist> second = onContext(b, "theLongerTokenB", next);
    Conditions.await("both held", () -> service.parts(stream, a).held() == 2);
    feed.publish(f3.frame(3));
    feed.publish(f3.frame(4));
    Conditions.await("both answered", () -> first.isComplete() && second.isComplete());

    assertTrue(first.result().shared() == second.result().shared(), "one rendering answers both sessions");
    String textA = served(first.result()).render();
    String textB = served(second.result()).render();
    assertEquals(2, partialParts(first.result().playlist()), "the answer holds part 1");
    assertFalse(textA.contains("theLongerTokenB"));
    assertFalse(textB.contains("tokenA"));
    assertEquals(textB, textA.replace("SessionToken=tokenA", "SessionToken=theLongerTokenB"),
        "the playlists differ in their tokens only");
    assertEquals(new String(first.result().bytes(), java.nio.charset.StandardCharsets.UTF_8), textA);
    LlHlsRules.check(textB);
  }

  @Test
  void aDeltaAndAFullRequestHeldTogetherEachGetTheirOwnPlaylist() throws Exception {
    HlsSession a = started(20, 20);
    HlsSession b = live(20);
    TestChunks.Fragment f20 = fragment(20);
    feed.publish(f20.start());
    publishUpTo(f20, 3);
    awaitPlaylist(a, "part 0 of segment 20", q -> partialParts(q) == 1);
    Future<SessionPlaylist> full = onContext(a, "A", new HlsService.Directives(20L, 1, false));
    Future<SessionPlaylist> deltaA = onContext(a, "A", new HlsService.Directives(20L, 1, true));
    Future<SessionPlaylist> deltaB = onContext(b, "B", new HlsService.Directives(20L, 1, true));
    Conditions.await("three held", () -> service.parts(stream, a).held() == 3);
    feed.publish(f20.frame(3));
    feed.publish(f20.frame(4));
    Conditions.await("all answered", () -> full.isComplete() && deltaA.isComplete() && deltaB.isComplete());

    MediaPlaylist fullA = served(full.result());
    assertEquals(0, fullA.lowLatency().skipped());
    assertEquals(2, partialParts(fullA));
    assertEquals(8, served(deltaA.result()).lowLatency().skipped());
    LlHlsRules.assertDeltaOf(fullA.render(), deltaA.result().render());
    LlHlsRules.check(deltaA.result().render());
    assertTrue(deltaA.result().shared() == deltaB.result().shared(), "both deltas come from one rendering");
    assertEquals(deltaB.result().render(), deltaA.result().render().replace("SessionToken=A&", "SessionToken=B&"));
  }

  @Test
  void sessionsThatListDifferentSegmentsAreNotAnsweredFromOneRendering() throws Exception {
    HlsSession five = started(3, 5);
    HlsSession two = live(2);
    HlsSession noTimes = live(5, "NEVER");
    TestChunks.Fragment f3 = fragment(3);
    feed.publish(f3.start());
    publishUpTo(f3, 3);
    awaitPlaylist(five, "part 0 of segment 3", q -> partialParts(q) == 1);
    HlsService.Directives next = new HlsService.Directives(3L, 1, false);
    Future<SessionPlaylist> p5 = onContext(five, "T", next);
    // a token is one session's (its timeline's key); this one counts segments from fragment 1
    Future<SessionPlaylist> p2 = onContext(two, "T2", new HlsService.Directives(2L, 1, false));
    Future<SessionPlaylist> pn = onContext(noTimes, "T3", next);
    Conditions.await("three held", () -> service.parts(stream, five).held() == 3);
    feed.publish(f3.frame(3));
    feed.publish(f3.frame(4));
    Conditions.await("all answered", () -> p5.isComplete() && p2.isComplete() && pn.isComplete());

    MediaPlaylist m5 = served(p5.result());
    MediaPlaylist m2 = served(p2.result());
    MediaPlaylist mn = served(pn.result());
    assertEquals(3, m5.segments().size());
    assertEquals(2, m2.segments().size(), "MaxMediaPlaylistFragmentResults 2");
    assertEquals(m5.segments().subList(1, 3).stream().map(MediaPlaylist.Segment::uri).toList(),
        m2.segments().stream().map(x -> x.uri().replace("T2", "T")).toList());
    assertNotNull(m5.segments().get(0).programDateTime());
    assertTrue(mn.segments().stream().allMatch(x -> x.programDateTime() == null)
        && mn.lowLatency().partial().programDateTime() == null, "DisplayFragmentTimestamp NEVER");
    for (MediaPlaylist m : List.of(m5, m2, mn)) {
      assertEquals(2, partialParts(m));
    }
  }

  @Test
  void aHeldRequestIsReleasedWithoutAskingTheIndex() throws Exception {
    HlsSession s = started(3, 5);
    TestChunks.Fragment f3 = fragment(3);
    feed.publish(f3.start());
    publishUpTo(f3, 3);
    awaitPlaylist(s, "part 0 of segment 3", q -> partialParts(q) == 1);
    Future<SessionPlaylist> part = onContext(s, "T", new HlsService.Directives(3L, 1, false));
    Conditions.await("held", () -> service.parts(stream, s).held() == 1);
    long before = ranges.get();
    feed.publish(f3.frame(3));
    feed.publish(f3.frame(4));
    Conditions.await("answered when part 1 completes", part::isComplete);
    assertEquals(2, partialParts(served(part.result())));

    Future<SessionPlaylist> segment = onContext(s, "T", new HlsService.Directives(4L, -1, false));
    Conditions.await("held", () -> service.parts(stream, s).held() == 1);
    long held = ranges.get();
    assertTrue(held > before, "the request asked the index before it was held");
    feed.publish(f3.end(true));
    TestChunks.Fragment f4 = fragment(4);
    feed.publish(f4.start());
    for (int j = 0; j < 5; j++) {
      feed.publish(f4.frame(j));
    }
    feed.publish(f4.end(true));
    Conditions.await("answered when segment 4 ends", segment::isComplete);
    List<MediaPlaylist.Segment> listed = served(segment.result()).segments();
    assertTrue(listed.get(listed.size() - 1).uri().contains(f4.number().value()),
        "the fragments that ended are listed, from the live tail");
    assertEquals(before, held - 1, "one range query when the request came");
    assertEquals(held, ranges.get(), "none while it was held and released");
  }

  /** The index, counting the range queries made of it. */
  record CountingRanges(io.vidlog.fragmentstore.index.TimeIndex index, AtomicLong ranges)
      implements io.vidlog.fragmentstore.index.TimeIndex {
    @Override
    public Future<Void> append(StreamInfo stream, io.vidlog.fragmentstore.FragmentRecord record) {
      return index.append(stream, record);
    }

    @Override
    public Future<io.vidlog.fragmentstore.FragmentRecord> get(StreamInfo stream,
        io.vidlog.fragmentstore.FragmentNumber number) {
      return index.get(stream, number);
    }

    @Override
    public Future<io.vidlog.fragmentstore.FragmentRecord> next(StreamInfo stream,
        io.vidlog.fragmentstore.FragmentNumber after) {
      return index.next(stream, after);
    }

    @Override
    public Future<io.vidlog.fragmentstore.FragmentRecord> earliest(StreamInfo stream) {
      return index.earliest(stream);
    }

    @Override
    public Future<io.vidlog.fragmentstore.FragmentRecord> latest(StreamInfo stream) {
      return index.latest(stream);
    }

    @Override
    public Future<io.vidlog.fragmentstore.FragmentRecord> locate(StreamInfo stream, TimestampKind kind, long millis) {
      return index.locate(stream, kind, millis);
    }

    @Override
    public Future<Page> range(StreamInfo stream, TimestampKind kind, long fromMillis, long toMillis, int max,
        String pageToken) {
      ranges.incrementAndGet();
      return index.range(stream, kind, fromMillis, toMillis, max, pageToken);
    }

    @Override
    public Future<List<io.vidlog.fragmentstore.FragmentRecord>> expireBefore(StreamInfo stream, long cutoffMillis) {
      return index.expireBefore(stream, cutoffMillis);
    }
  }

  void publish(io.vidlog.fragmentstore.live.LiveEvent e) {
    if (e instanceof io.vidlog.fragmentstore.live.LiveEvent.FragmentStart x) {
      feed.publish(x);
    } else if (e instanceof io.vidlog.fragmentstore.live.LiveEvent.Frame x) {
      feed.publish(x);
    } else if (e instanceof io.vidlog.fragmentstore.live.LiveEvent.FragmentEnd x) {
      feed.publish(x);
    }
  }

  /** A part reader that collects what it is handed. */
  static final class Collected implements LiveParts.PartReader {
    final List<MediaSegment> chunks = new ArrayList<>();
    volatile boolean complete;
    volatile boolean gone;

    @Override
    public synchronized void chunk(MediaSegment chunk) {
      chunks.add(chunk);
    }

    @Override
    public void complete() {
      complete = true;
    }

    @Override
    public void gone() {
      gone = true;
    }

    synchronized int size() {
      return chunks.size();
    }

    boolean isComplete() {
      return complete;
    }
  }

  @Test
  void noPartsForAnOnDemandSession() throws Exception {
    for (int i = 0; i < 3; i++) {
      stores.persist(stream, fragment(i).header(), fragment(i).mkv());
    }
    clock.set(BASE + 3 * FRAGMENT + 1000);
    String request = "{\"StreamName\":\"cam\",\"PlaybackMode\":\"ON_DEMAND\",\"HLSFragmentSelector\":"
        + "{\"TimestampRange\":{\"StartTimestamp\":" + BASE / 1000.0 + ",\"EndTimestamp\":"
        + (BASE + 3 * FRAGMENT) / 1000.0 + "}}}";
    HlsSessionRequest req = HlsSessionRequest.parse(new Fields(new JsonObject(request)), clock.get());
    HlsSession s = stores.await(() -> service.create(stream, req, clock.get()));
    assertNull(service.parts(stream, s));
    MediaPlaylist p = media(s, new HlsService.Directives(99L, 0, true));
    assertNull(p.lowLatency(), "directives are ignored where blocking reload is not offered");
    assertNotNull(p.render());
  }
}
