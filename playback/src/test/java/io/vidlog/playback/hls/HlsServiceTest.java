package io.vidlog.playback.hls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.live.LiveFeedConfig;
import io.vidlog.fragmentstore.live.MemoryLiveFeeds;
import io.vidlog.fragmentstore.object.StoreException;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.fragmentstore.testing.Conditions;
import io.vidlog.fragmentstore.testing.MemoryArchive;
import io.vidlog.fragmentstore.testing.TestStores;
import io.vidlog.kvs.KvsError;
import io.vidlog.kvs.KvsException;
import io.vidlog.kvs.http.Fields;
import io.vidlog.media.ByteBudget;
import io.vidlog.media.fmp4.MediaSegment;
import io.vidlog.playback.hls.MediaPlaylist.Segment;
import io.vidlog.playback.request.HlsSessionRequest;
import io.vidlog.playback.testing.TestChunks;
import io.vidlog.playback.testing.TestMedia;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What each playback mode lists and serves (docs/wire-protocol.md §3.5), on the real index, a test
 * archive and the real live feeds, with the clock in the test's hands: the fragments of ON_DEMAND,
 * LIVE and LIVE_REPLAY playlists, their sequence numbers, discontinuities, init segments and
 * lengths; producer-timestamp deduplication; KVS's refusals; media segments from the store and
 * from the live window (also while the store is unavailable).
 */
class HlsServiceTest {
  /** Fragments of the test media are 5 frames of 100 ms. */
  static final long FRAGMENT = 500;
  static final long BASE = 1_800_000_000_000L;

  Vertx vertx;
  TestStores stores;
  MemoryLiveFeeds feeds;
  FragmentCatalog catalog;
  HlsService service;
  StreamInfo stream;
  final AtomicLong clock = new AtomicLong(BASE);
  final ByteBudget budget = ByteBudget.of("test", 64L << 20);

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    stores = TestStores.inMemory(vertx);
    feeds = new MemoryLiveFeeds(vertx, LiveFeedConfig.DEFAULT, clock::get);
    catalog = new FragmentCatalog(stores.archive, 1000);
    LiveTails tails = new LiveTails(vertx, feeds, catalog, clock::get, 60_000, 100);
    service = new HlsService(stores.index, catalog, tails, new FragmentSource(vertx, stores.archive, feeds,
        budget), 10_000, 0);
    stream = stores.createStream("cam", 24);
  }

  @AfterEach
  void tearDown() throws Exception {
    stores.close();
    vertx.close().toCompletionStage().toCompletableFuture().get();
  }

  /** Fragment i: server time BASE + i fragments, producer time i fragments, numbered 1000 + i. */
  static TestChunks.Fragment fragment(int i) {
    return TestChunks.fragment(i, BASE + i * FRAGMENT, i * FRAGMENT, 0);
  }

  void persist(TestChunks.Fragment f) throws Exception {
    stores.persist(stream, f.header(), f.mkv());
  }

  HlsSession session(String request, long now) throws Exception {
    HlsSessionRequest req = HlsSessionRequest.parse(new Fields(new JsonObject(request)), now);
    return stores.await(() -> service.create(stream, req, now));
  }

  MediaPlaylist media(HlsSession s, String token, long now) throws Exception {
    return LowLatencyHlsTest.served(stores.await(() -> service.media(stream, s, token, 1, now)));
  }

  static List<String> numbers(MediaPlaylist p) {
    List<String> out = new ArrayList<>();
    for (Segment s : p.segments()) {
      out.add(s.uri().replaceAll(".*FragmentNumber=0*1?0*([0-9]+)&.*", "$1"));
    }
    return out;
  }

  static String onDemand(long from, long to, String extra) {
    return "{\"StreamName\":\"cam\",\"PlaybackMode\":\"ON_DEMAND\",\"HLSFragmentSelector\":{\"TimestampRange\":"
        + "{\"StartTimestamp\":" + from / 1000.0 + ",\"EndTimestamp\":" + to / 1000.0 + "}}" + extra + "}";
  }

  @Test
  void onDemandListsTheOldestFragmentsOfTheRangeOnceAndEnds() throws Exception {
    for (int i = 0; i < 8; i++) {
      persist(fragment(i));
    }
    long now = BASE + 3_600_000;
    HlsSession s = session(onDemand(BASE + 2 * FRAGMENT, BASE + 7 * FRAGMENT,
        ",\"MaxMediaPlaylistFragmentResults\":4"), now);
    assertEquals(fragment(2).number(), s.anchor());
    MediaPlaylist p = media(s, "T", now);
    assertEquals(List.of("2", "3", "4", "5"), numbers(p));
    assertEquals(0, p.mediaSequence());
    assertTrue(p.onDemand());
    String text = p.render();
    assertTrue(text.contains("#EXT-X-ENDLIST"), text);
    // server timestamps: a discontinuity between every two fragments (ALWAYS), one init segment
    assertEquals(List.of(false, true, true, true), p.segments().stream().map(Segment::discontinuity).toList());
    assertEquals(1, p.segments().stream().filter(x -> x.map() != null).count());
    assertEquals("getMP4InitFragment.mp4?SessionToken=T&TrackNumber=1", p.segments().get(0).map());
    // a fragment lasts until the producer's next one starts
    assertTrue(p.segments().stream().allMatch(x -> x.durationMillis() == FRAGMENT), text);
    assertEquals(p.render(), media(s, "T", now + 60_000).render(), "ON_DEMAND is static");
  }

  @Test
  void liveListsTheNewestAsTheyEndAndNeverBackFills() throws Exception {
    for (int i = 0; i < 6; i++) {
      persist(fragment(i));
    }
    long now = BASE + 6 * FRAGMENT + 100;
    HlsSession s = session("{\"StreamName\":\"cam\",\"MaxMediaPlaylistFragmentResults\":3}", now);
    assertEquals(fragment(3).number(), s.anchor(), "the oldest of the newest 3");
    MediaPlaylist first = media(s, "T", now);
    assertEquals(List.of("3", "4", "5"), numbers(first));
    assertEquals(0, first.mediaSequence());
    assertFalse(first.render().contains("#EXT-X-ENDLIST"));

    // fragment 6 ends in the live feed: listed at once, before the store has it
    fragment(6).publishTo(feeds.feed(stream.streamId()), true);
    Conditions.await("the live tail has fragment 6", () -> lists(s, now, "6"));
    MediaPlaylist second = media(s, "T", now);
    assertEquals(List.of("4", "5", "6"), numbers(second));
    assertEquals(1, second.mediaSequence(), "one segment left the window");
    assertEquals(1, second.discontinuitySequence(), "so did the discontinuity before it");

    // 8 ends live before 7 is stored: 7 is never inserted behind it
    fragment(8).publishTo(feeds.feed(stream.streamId()), true);
    Conditions.await("the live tail has fragment 8", () -> lists(s, now, "8"));
    persist(fragment(6));
    persist(fragment(7));
    persist(fragment(8));
    assertEquals(List.of("5", "6", "8"), numbers(media(s, "T", now)));
  }

  boolean lists(HlsSession s, long now, String number) {
    try {
      return numbers(media(s, "T", now)).contains(number);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void liveNeedsAFragmentWithinThirtySeconds() throws Exception {
    persist(fragment(0));
    long end = BASE + FRAGMENT;
    session("{\"StreamName\":\"cam\"}", end + 30_000);
    KvsException e = assertThrows(KvsException.class, () -> session("{\"StreamName\":\"cam\"}", end + 30_001));
    assertEquals(KvsError.RESOURCE_NOT_FOUND, e.error());
  }

  @Test
  void liveReplayStartsWithThreeThenAddsOneAsEachPreviousOneWouldHavePlayed() throws Exception {
    for (int i = 0; i < 8; i++) {
      persist(fragment(i));
    }
    long issued = BASE + 3_600_000;
    HlsSession s = session("{\"StreamName\":\"cam\",\"PlaybackMode\":\"LIVE_REPLAY\",\"HLSFragmentSelector\":"
        + "{\"TimestampRange\":{\"StartTimestamp\":" + (BASE + FRAGMENT) / 1000.0 + "}}}", issued);
    assertEquals(List.of("1", "2", "3"), numbers(media(s, "T", issued)));
    // fragment 4 comes when fragment 3 would have played out, fragment 5 one fragment later
    assertEquals(List.of("1", "2", "3"), numbers(media(s, "T", issued + FRAGMENT - 1)));
    assertEquals(List.of("1", "2", "3", "4"), numbers(media(s, "T", issued + FRAGMENT)));
    assertEquals(List.of("1", "2", "3", "4", "5"), numbers(media(s, "T", issued + 2 * FRAGMENT)));
    assertEquals(List.of("3", "4", "5", "6", "7"), numbers(media(s, "T", issued + 10 * FRAGMENT)),
        "the newest 5 (the default) of what was released");
  }

  @Test
  void producerTimestampsKeepTheNewestOfEqualStarts() throws Exception {
    persist(fragment(0));
    persist(fragment(1));
    // fragment 2 sent again later (a producer's replay) with the same producer timestamp
    TestChunks.Fragment again = TestChunks.fragment(3, BASE + 3 * FRAGMENT, 2 * FRAGMENT, 0);
    persist(fragment(2));
    persist(again);
    persist(TestChunks.fragment(4, BASE + 4 * FRAGMENT, 3 * FRAGMENT, 0));
    HlsSession s = session(onDemand(0, 10 * FRAGMENT, "").replace("\"TimestampRange\"",
        "\"FragmentSelectorType\":\"PRODUCER_TIMESTAMP\",\"TimestampRange\""), BASE + 3_600_000);
    MediaPlaylist p = media(s, "T", BASE + 3_600_000);
    assertEquals(List.of("0", "1", "3", "4"), numbers(p));
    assertTrue(p.segments().stream().noneMatch(Segment::discontinuity), "NEVER is the producer default");
  }

  @Test
  void onDiscontinuityMarksGapsAndEveryModeMarksCodecChanges() throws Exception {
    persist(fragment(0));
    persist(fragment(1));
    // 200 ms of nothing, then fragment 2; fragment 3 comes with other codec private data
    persist(TestChunks.fragment(2, BASE + 2 * FRAGMENT + 200, 2 * FRAGMENT + 200, 0));
    byte[] other = java.util.Arrays.copyOf(TestMedia.get().codecPrivate, TestMedia.get().codecPrivate.length + 1);
    TestChunks.Fragment changed = TestChunks.fragment(3, BASE + 3 * FRAGMENT + 200, 3 * FRAGMENT + 200, 0, other);
    persist(changed);
    long now = BASE + 3_600_000;
    String range = "\"FragmentSelectorType\":\"PRODUCER_TIMESTAMP\",\"TimestampRange\"";
    MediaPlaylist gaps = media(session(onDemand(0, 10 * FRAGMENT, ",\"DiscontinuityMode\":\"ON_DISCONTINUITY\"")
        .replace("\"TimestampRange\"", range), now), "T", now);
    assertEquals(List.of(false, false, true, true), gaps.segments().stream().map(Segment::discontinuity).toList());
    MediaPlaylist never = media(session(onDemand(0, 10 * FRAGMENT, ",\"DiscontinuityMode\":\"NEVER\"")
        .replace("\"TimestampRange\"", range), now), "T", now);
    assertEquals(List.of(false, false, false, true), never.segments().stream().map(Segment::discontinuity).toList());
    assertNull(never.segments().get(2).map());
    assertEquals("getMP4InitFragment.mp4?SessionToken=T&TrackNumber=1&FragmentNumber=" + changed.number().value(),
        never.segments().get(3).map(), "the changed codec private data gets its own init segment");
    assertEquals(FRAGMENT + 200, never.segments().get(1).durationMillis(),
        "without discontinuity tags a gap is part of the segment before it: the timeline stays the media's");
    assertEquals(FRAGMENT, gaps.segments().get(1).durationMillis(), "a marked gap is not part of the fragment before it");
  }

  @Test
  void aFragmentFromTheLiveWindowIsTheSegmentTheStoreGivesLater() throws Exception {
    persist(fragment(0));
    long now = BASE + FRAGMENT + 100;
    HlsSession s = session("{\"StreamName\":\"cam\"}", now);
    TestChunks.Fragment f = fragment(1);
    f.publishTo(feeds.feed(stream.streamId()), true);
    Conditions.await("the live tail has fragment 1", () -> lists(s, now, "1"));
    // a cache of 0 bytes keeps nothing: the second request repackages the stored fragment
    MediaSegment live = stores.await(() -> service.fragment(stream, s, f.number(), 1));
    persist(f);
    MediaSegment stored = stores.await(() -> service.fragment(stream, s, f.number(), 1));
    assertArrayEquals(stored.toByteArray(), live.toByteArray());
    assertEquals(0, budget.used(), "what the cache does not keep returns its frames to the budget");
    assertEquals(f.frames().size(), stored.track(1).samples());
    // decode times: the fragment's server start, in the 90 kHz video clock
    assertEquals((BASE + FRAGMENT) * 90, stored.track(1).baseDecodeTime());
    byte[] init = stores.await(() -> service.init(stream, s, 1, null));
    assertEquals("ftyp", new String(init, 4, 4, java.nio.charset.StandardCharsets.US_ASCII));
    KvsException outside = assertThrows(KvsException.class, () -> stores.await(() ->
        service.fragment(stream, s, new FragmentNumber("5"), 1)));
    assertEquals(KvsError.RESOURCE_NOT_FOUND, outside.error());
  }

  @Test
  void whileTheStoreIsUnavailableAStoredFragmentStillInTheLiveWindowIsServedFromIt() throws Exception {
    AtomicBoolean down = new AtomicBoolean();
    MemoryArchive outage = new MemoryArchive(stores.memoryArchive().store()) {
      @Override
      public Future<ChunkReader> open(StreamInfo s, FragmentNumber number) {
        return down.get() ? Future.failedFuture(new StoreException(StoreException.Kind.UNAVAILABLE, "the store is down"))
            : super.open(s, number);
      }
    };
    HlsService reading = new HlsService(stores.index, catalog, new LiveTails(vertx, feeds, catalog, clock::get, 60_000,
        100), new FragmentSource(vertx, outage, feeds, budget), 10_000, 0);
    persist(fragment(0)); // stored before this node's live window began
    TestChunks.Fragment f = fragment(1);
    f.publishTo(feeds.feed(stream.streamId()), true);
    persist(f); // stored, indexed, and still in the live window
    long now = BASE + 2 * FRAGMENT + 100;
    HlsSession fmp4 = stores.await(() -> reading.create(stream, HlsSessionRequest.parse(new Fields(new JsonObject(
        "{\"StreamName\":\"cam\"}")), now), now));
    HlsSession ts = stores.await(() -> reading.create(stream, HlsSessionRequest.parse(new Fields(new JsonObject(
        "{\"StreamName\":\"cam\",\"ContainerFormat\":\"MPEG_TS\"}")), now), now));
    MediaSegment stored = stores.await(() -> reading.fragment(stream, fmp4, f.number(), 1));
    byte[] storedTs = stores.await(() -> reading.tsFragment(stream, ts, f.number()));

    down.set(true);
    assertArrayEquals(stored.toByteArray(), stores.await(() -> reading.fragment(stream, fmp4, f.number(), 1))
        .toByteArray(), "the fMP4 segment comes from the live window, as the store gave it");
    assertArrayEquals(storedTs, stores.await(() -> reading.tsFragment(stream, ts, f.number())),
        "so does the transport stream segment");
    // a fragment the window does not hold: the store's 503 to retry, not a 404 that says it is gone
    StoreException e = assertThrows(StoreException.class, () -> stores.await(() -> reading.fragment(stream, fmp4,
        fragment(0).number(), 1)));
    assertEquals(StoreException.Kind.UNAVAILABLE, e.kind());
    assertEquals(0, budget.used(), "every repackaging returned its frames to the budget");
  }

  @Test
  void playersAskingForTheSameSegmentGetOneRepackagingHeldUntilItLeavesTheCache() throws Exception {
    HlsService cached = new HlsService(stores.index, catalog, new LiveTails(vertx, feeds, catalog, clock::get, 60_000,
        100), new FragmentSource(vertx, stores.archive, feeds, budget), 10_000, 1L << 20);
    for (int i = 0; i < 3; i++) {
      persist(fragment(i));
    }
    HlsSession s = stores.await(() -> cached.create(stream, HlsSessionRequest.parse(new Fields(new JsonObject(
        onDemand(BASE, BASE + 3 * FRAGMENT, ""))), BASE + 3_600_000), BASE + 3_600_000));
    List<MediaSegment> two = stores.await(() -> io.vertx.core.Future.all(cached.fragment(stream, s, fragment(1).number(), 1),
        cached.fragment(stream, s, fragment(1).number(), 1)).map(cf -> cf.<MediaSegment>list()));
    assertTrue(two.get(0) == two.get(1), "built once for both");
    long held = budget.used();
    assertTrue(held > 0, "the cache holds the frames it keeps");
    assertTrue(stores.await(() -> cached.fragment(stream, s, fragment(1).number(), 1)) == two.get(0));
    stores.await(() -> cached.fragment(stream, s, fragment(2).number(), 1));
    assertTrue(budget.used() > held, "two fragments held");
  }

  @Test
  void retentionZeroAndEmptyRangesAreRefusedAsKvsRefusesThem() throws Exception {
    persist(fragment(0));
    KvsException empty = assertThrows(KvsException.class, () -> session(
        onDemand(BASE + 10_000, BASE + 20_000, ""), BASE + 3_600_000));
    assertEquals(KvsError.RESOURCE_NOT_FOUND, empty.error());
    StreamInfo zero = stores.createStream("zero", 0);
    HlsSessionRequest req = HlsSessionRequest.parse(new Fields(new JsonObject("{\"StreamName\":\"zero\"}")), BASE);
    KvsException none = assertThrows(KvsException.class, () -> stores.await(() -> service.create(zero, req, BASE)));
    assertEquals(KvsError.NO_DATA_RETENTION, none.error());
  }
}
