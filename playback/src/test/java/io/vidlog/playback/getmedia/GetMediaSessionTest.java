package io.vidlog.playback.getmedia;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.fragmentstore.chunk.ChunkMkv;
import io.vidlog.fragmentstore.live.LiveEvent;
import io.vidlog.fragmentstore.live.LiveFeed.CutOff;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.fragmentstore.streams.StreamStatus;
import io.vidlog.kvs.StreamError;
import io.vidlog.playback.chunk.StoredChunkStreamer;
import io.vidlog.playback.getmedia.GetMediaSession.Phase;
import io.vidlog.playback.testing.KvsParse;
import io.vidlog.playback.testing.TestChunks;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The GetMedia session driven step by step against a fake stream: an index and archive that answer
 * on later turns ({@link FakeStoredStream}), a scripted live feed ({@link ScriptedFeed}), a
 * recording response ({@link RecordingSink}) and a manual clock ({@link ManualScheduler}). Each test
 * walks one transition of {@link Phase} and checks what the reader receives, with the KVS parser
 * library where the bytes are whole chunks.
 */
class GetMediaSessionTest {
  static final long BASE = 1_700_000_000_000L;
  static final long NOW = BASE + 3_600_000L;
  static final long SESSION_MILLIS = 60_000;
  static final long IDLE_MILLIS = 5_000;

  final ManualScheduler loop = new ManualScheduler();
  final FakeStoredStream store = new FakeStoredStream(loop);
  final ScriptedFeed feed = new ScriptedFeed(loop);
  final RecordingSink out = new RecordingSink();
  final List<TestChunks.Fragment> f = TestChunks.fragments(6, BASE);
  long idleMillis = IDLE_MILLIS;
  int finished;

  static StreamInfo stream(int retentionHours) {
    return new StreamInfo("s", "arn:aws:kinesisvideo:us-east-1:000000000000:stream/s/1", "id-s", StreamStatus.ACTIVE,
        null, "video/h264", null, retentionHours, "1", 1L, Map.of());
  }

  GetMediaSession start(int retentionHours, StartPoint start) {
    GetMediaSession session = new GetMediaSession(loop, stream(retentionHours), store,
        new StoredChunkStreamer(store, () -> NOW), feed, out, () -> NOW, SESSION_MILLIS, idleMillis,
        () -> finished++);
    session.start(start);
    loop.runAll();
    return session;
  }

  static StartPoint earliest() {
    return new StartPoint.After(StartResolver.BEFORE_ALL);
  }

  /** Asserts the reader got exactly these fragments, each whole and closed by its continuation token. */
  void assertWholeChunks(List<TestChunks.Fragment> expected) throws Exception {
    KvsParse parsed = out.parse();
    assertEquals(expected.stream().map(x -> x.number().value()).toList(),
        parsed.chunks.stream().map(KvsParse.Chunk::number).toList());
    for (int k = 0; k < expected.size(); k++) {
      TestChunks.Fragment x = expected.get(k);
      KvsParse.Chunk c = parsed.chunks.get(k);
      assertTrue(c.complete, "chunk " + k + " is closed");
      assertEquals(x.number().value(), c.token().orElseThrow());
      assertEquals(x.header().serverTimestampMillis(), c.metadata.getServerSideTimestampMillis());
      assertEquals(x.frames().size(), c.frames.size());
      for (int j = 0; j < c.frames.size(); j++) {
        assertArrayEquals(x.frames().get(j).data(), c.frames.get(j));
      }
    }
  }

  void assertEndedCleanly(GetMediaSession session) {
    assertEquals(Phase.ENDED, session.phase());
    assertEquals(1, out.ends);
    assertEquals(0, out.writesAfterEnd);
    assertEquals(1, finished, "the connection slot is given back once");
    assertEquals(0, loop.pendingTimers(), "no timer outlives the session");
    assertTrue(feed.subscriptions.stream().allMatch(s -> s.cancelled), "no subscription outlives the session");
  }

  /** The response's last bytes are exactly this error chunk. */
  void assertEndsWithError(String number, StreamError error, String message) {
    byte[] expected = ChunkMkv.errorChunk(number, error.id(), error.code(), message, false).getBytes();
    byte[] all = out.bytes();
    assertTrue(all.length >= expected.length);
    assertArrayEquals(expected, Arrays.copyOfRange(all, all.length - expected.length, all.length));
  }

  // ---- stored → live --------------------------------------------------------------------------

  @Test
  void storedCatchUpHandsOverToLiveWithoutGapOrDuplicate() throws Exception {
    for (int i = 0; i < 3; i++) {
      store.persist(f.get(i));
    }
    GetMediaSession session = start(24, earliest());
    assertEquals(Phase.LIVE_EDGE, session.phase());
    assertEquals(1, feed.subscriptions.size());
    assertEquals(f.get(2).number(), feed.current().from, "subscribed after the last stored chunk");
    assertFalse(feed.current().paused, "resumed once the index had nothing newer");

    feed.deliverStart(f.get(3), 2);
    loop.runAll();
    assertEquals(Phase.LIVE_CHUNK, session.phase());
    for (int j = 2; j < f.get(3).frames().size(); j++) {
      feed.deliver(f.get(3).frame(j));
    }
    feed.deliver(f.get(3).end(true));
    loop.runAll();
    assertEquals(Phase.LIVE_EDGE, session.phase());
    assertWholeChunks(f.subList(0, 4));
    assertEquals(0, out.ends);
  }

  @Test
  void theNextChunkIsLookedUpAndOpenedWhileOneIsWritten() {
    for (int i = 0; i < 3; i++) {
      store.persist(f.get(i));
    }
    out.full = true; // the first chunk stalls on the socket after its first slice
    GetMediaSession session = start(24, earliest());
    assertEquals(Phase.STORED_CHUNK, session.phase());
    assertEquals(List.of("next 0", "open " + f.get(0).number(), "next " + f.get(0).number(),
        "open " + f.get(1).number()), store.log, "chunk 1 is found and opened while chunk 0 is being written");
    out.drained();
    loop.runAll();
    assertEquals(Phase.LIVE_EDGE, session.phase());
    assertEquals(1, store.log.stream().filter(e -> e.equals("open " + f.get(1).number())).count(),
        "the chunk opened ahead is the one sent");
  }

  @Test
  void fragmentIndexedWhileSubscribingSendsTheSessionBackToTheStore() throws Exception {
    store.persist(f.get(0));
    store.persist(f.get(1));
    store.storeOnly(f.get(2));
    feed.onNextSubscribe = () -> store.index(f.get(2));
    GetMediaSession session = start(24, earliest());
    assertEquals(2, feed.subscriptions.size());
    ScriptedFeed.Sub first = feed.subscriptions.get(0);
    assertEquals(f.get(1).number(), first.from);
    assertTrue(first.cancelled, "the subscription made before the recheck is dropped");
    assertTrue(first.paused, "and never delivered anything");
    assertEquals(f.get(2).number(), feed.current().from);
    assertEquals(Phase.LIVE_EDGE, session.phase());
    assertWholeChunks(f.subList(0, 3));
  }

  @Test
  void chunkGoneBetweenIndexAndOpenIsSkipped() throws Exception {
    for (int i = 0; i < 3; i++) {
      store.persist(f.get(i));
    }
    store.dropChunk(f.get(1).number());
    GetMediaSession session = start(24, earliest());
    assertEquals(Phase.LIVE_EDGE, session.phase());
    assertWholeChunks(List.of(f.get(0), f.get(2)));
  }

  // ---- live -----------------------------------------------------------------------------------

  @Test
  void nowSubscribesFromTheNextFragmentWithoutAskingTheIndex() throws Exception {
    store.persist(f.get(0));
    GetMediaSession session = start(24, new StartPoint.Now());
    assertEquals(Phase.LIVE_EDGE, session.phase());
    assertNull(feed.current().from);
    assertTrue(store.log.isEmpty());
    feed.deliverWhole(f.get(1));
    loop.runAll();
    assertWholeChunks(List.of(f.get(1)));
  }

  @Test
  void abortedLiveFragmentIsClosedWithItsTokenAndTheNextFollows() throws Exception {
    GetMediaSession session = start(24, new StartPoint.Now());
    feed.deliverStart(f.get(0), 2);
    feed.deliver(new LiveEvent.FragmentAborted(f.get(0).number(), "test"));
    feed.deliverWhole(f.get(1));
    loop.runAll();
    assertEquals(Phase.LIVE_EDGE, session.phase());
    KvsParse parsed = out.parse();
    assertEquals(2, parsed.chunks.size());
    assertTrue(parsed.chunks.get(0).complete);
    assertEquals(2, parsed.chunks.get(0).frames.size());
    assertEquals(f.get(0).number().value(), parsed.chunks.get(0).token().orElseThrow());
    assertTrue(parsed.chunks.get(1).complete);
    assertEquals(f.get(1).number().value(), parsed.chunks.get(1).number());
  }

  @Test
  void aFullSocketPausesTheFeedUntilItDrains() throws Exception {
    GetMediaSession session = start(24, new StartPoint.Now());
    out.full = true;
    feed.deliverWhole(f.get(0));
    loop.runAll();
    assertTrue(feed.current().paused);
    assertEquals(f.get(0).frames().size() + 1, feed.current().queued(), "only the start was delivered");
    out.drained();
    loop.runAll();
    assertFalse(feed.current().paused);
    assertEquals(Phase.LIVE_EDGE, session.phase());
    assertWholeChunks(List.of(f.get(0)));
  }

  @Test
  void retentionZeroTimestampStartsWithTheFragmentThatContainsIt() throws Exception {
    long inside = f.get(1).header().serverTimestampMillis() + f.get(1).header().durationMillis() / 2;
    GetMediaSession session = start(0, new StartPoint.LiveFrom(inside, false));
    assertEquals(StartResolver.BEFORE_ALL, feed.current().from);
    feed.deliverWhole(f.get(0)); // ends before the timestamp: skipped for good
    feed.deliverWhole(f.get(1)); // starts before it, but contains it: known at its end
    loop.runAll();
    assertEquals(2, feed.subscriptions.size(), "subscribed again to get the fragment that contains it");
    assertEquals(f.get(0).number(), feed.current().from);
    feed.deliverWhole(f.get(1));
    feed.deliverWhole(f.get(2));
    loop.runAll();
    assertEquals(Phase.LIVE_EDGE, session.phase());
    assertWholeChunks(f.subList(1, 3));
  }

  @Test
  void retentionZeroTimestampAtAFragmentStartSkipsTheOneEndingThere() throws Exception {
    long atTwo = f.get(2).header().serverTimestampMillis();
    start(0, new StartPoint.LiveFrom(atTwo, false));
    feed.deliverWhole(f.get(0));
    feed.deliverWhole(f.get(1)); // ends exactly where 2 starts: does not contain the timestamp
    feed.deliverWhole(f.get(2));
    loop.runAll();
    assertEquals(1, feed.subscriptions.size());
    assertWholeChunks(List.of(f.get(2)));
  }

  // ---- ends -----------------------------------------------------------------------------------

  @Test
  void slowConsumerCutOffEndsCleanlyAfterTheLastWholeChunk() throws Exception {
    GetMediaSession session = start(24, new StartPoint.Now());
    feed.deliverWhole(f.get(0));
    feed.deliverStart(f.get(1), 2);
    loop.runAll();
    feed.cutOff(CutOff.Reason.SLOW_CONSUMER);
    loop.runAll();
    assertEndedCleanly(session);
    KvsParse parsed = out.parse();
    assertEquals(2, parsed.chunks.size());
    assertEquals(f.get(0).number().value(), parsed.chunks.get(0).token().orElseThrow(), "the token to resume from");
    assertFalse(parsed.chunks.get(1).complete, "the chunk in progress is cut, never closed");
    assertTrue(parsed.chunks.stream().allMatch(c -> c.metadata.isSuccess()), "no error chunk");
  }

  @ParameterizedTest
  @EnumSource(value = CutOff.Reason.class, names = {"STREAM_DELETED", "SHUTDOWN"})
  void streamDeletedOrShutdownEndsCleanly(CutOff.Reason reason) throws Exception {
    GetMediaSession session = start(24, new StartPoint.Now());
    feed.deliverWhole(f.get(0));
    loop.runAll();
    feed.cutOff(reason);
    loop.runAll();
    assertEndedCleanly(session);
    assertWholeChunks(List.of(f.get(0)));
  }

  @Test
  void idleAtTheLiveEdgeEndsCleanlyButAFragmentInProgressNever() throws Exception {
    GetMediaSession session = start(24, new StartPoint.Now());
    loop.advance(IDLE_MILLIS - 1);
    assertEquals(Phase.LIVE_EDGE, session.phase());
    feed.deliverStart(f.get(0), 1);
    loop.runAll();
    loop.advance(3 * IDLE_MILLIS); // a producer stalls mid-fragment
    assertEquals(Phase.LIVE_CHUNK, session.phase());
    for (int j = 1; j < f.get(0).frames().size(); j++) {
      feed.deliver(f.get(0).frame(j));
    }
    feed.deliver(f.get(0).end(true));
    loop.runAll();
    loop.advance(IDLE_MILLIS - 1);
    assertEquals(Phase.LIVE_EDGE, session.phase(), "quiet time counts from the last event");
    loop.advance(1);
    assertEndedCleanly(session);
    assertWholeChunks(List.of(f.get(0)));
  }

  @Test
  void idleClockDoesNotRunOnTheStoredPath() throws Exception {
    for (int i = 0; i < 3; i++) {
      store.persist(f.get(i));
    }
    out.full = true;
    GetMediaSession session = start(24, earliest());
    loop.advance(2 * IDLE_MILLIS); // a reader slow to take a stored chunk is not idle
    assertEquals(Phase.STORED_CHUNK, session.phase());
    out.drained();
    loop.runAll();
    assertEquals(Phase.LIVE_EDGE, session.phase());
    loop.advance(IDLE_MILLIS);
    assertEndedCleanly(session);
    assertWholeChunks(f.subList(0, 3));
  }

  @Test
  void sessionLengthMidLiveChunkEndsAfterThatChunk() throws Exception {
    idleMillis = 10 * SESSION_MILLIS;
    GetMediaSession session = start(24, new StartPoint.Now());
    loop.advance(SESSION_MILLIS - 1000);
    feed.deliverStart(f.get(0), 2);
    loop.runAll();
    loop.advance(1000);
    assertEquals(Phase.LIVE_CHUNK, session.phase(), "the chunk in progress is finished first");
    for (int j = 2; j < f.get(0).frames().size(); j++) {
      feed.deliver(f.get(0).frame(j));
    }
    feed.deliver(f.get(0).end(true));
    feed.deliverWhole(f.get(1));
    loop.runAll();
    assertEndedCleanly(session);
    assertWholeChunks(List.of(f.get(0)));
  }

  @Test
  void sessionLengthAtTheEdgeEndsAtOnce() throws Exception {
    idleMillis = 10 * SESSION_MILLIS;
    GetMediaSession session = start(24, new StartPoint.Now());
    feed.deliverWhole(f.get(0));
    loop.runAll();
    loop.advance(SESSION_MILLIS);
    assertEndedCleanly(session);
    assertWholeChunks(List.of(f.get(0)));
  }

  @Test
  void drainMidStoredChunkEndsAfterThatChunk() throws Exception {
    for (int i = 0; i < 4; i++) {
      store.persist(f.get(i));
    }
    out.full = true;
    GetMediaSession session = start(24, earliest());
    assertEquals(Phase.STORED_CHUNK, session.phase());
    session.endAfterChunk();
    out.drained();
    loop.runAll();
    assertEndedCleanly(session);
    assertWholeChunks(List.of(f.get(0)));
  }

  @Test
  void readerGoneEndsWithoutWritingMore() {
    for (int i = 0; i < 3; i++) {
      store.persist(f.get(i));
    }
    out.full = true;
    GetMediaSession session = start(24, earliest());
    int written = out.size();
    session.readerGone();
    out.drained();
    loop.advance(SESSION_MILLIS);
    assertEquals(Phase.ENDED, session.phase());
    assertEquals(written, out.size());
    assertEquals(0, out.writesAfterEnd, "nothing is written once the reader has gone");
    assertEquals(1, finished);
    assertEquals(0, loop.pendingTimers());
  }

  // ---- errors and the live window -------------------------------------------------------------

  @Test
  void fragmentLostFromTheRetentionZeroWindowIsA4000ErrorChunk() {
    GetMediaSession session = start(0, new StartPoint.After(f.get(3).number()));
    assertEquals(f.get(3).number(), feed.current().from);
    feed.cutOff(CutOff.Reason.BEHIND_WINDOW);
    loop.runAll();
    assertEndedCleanly(session);
    assertEndsWithError(f.get(3).number().value(), StreamError.FRAGMENT_NOT_FOUND,
        "The requested fragment is no longer available");
  }

  @Test
  void earliestOnRetentionZeroFallsBackToNowBehindTheWindow() throws Exception {
    GetMediaSession session = start(0, earliest());
    assertEquals(StartResolver.BEFORE_ALL, feed.current().from);
    feed.cutOff(CutOff.Reason.BEHIND_WINDOW);
    loop.runAll();
    assertEquals(2, feed.subscriptions.size());
    assertNull(feed.current().from);
    feed.deliverWhole(f.get(4));
    loop.runAll();
    assertEquals(Phase.LIVE_EDGE, session.phase());
    assertWholeChunks(List.of(f.get(4)));
  }

  @Test
  void behindTheWindowGoesBackToTheStoreOncePerPosition() throws Exception {
    store.persist(f.get(0));
    GetMediaSession session = start(24, earliest());
    assertEquals(f.get(0).number(), feed.current().from);
    // 1 and 2 are persisted and leave the window before this reader gets them
    store.persist(f.get(1));
    store.persist(f.get(2));
    feed.cutOff(CutOff.Reason.BEHIND_WINDOW);
    loop.runAll();
    assertEquals(f.get(2).number(), feed.current().from, "caught up from the store");
    feed.cutOff(CutOff.Reason.BEHIND_WINDOW);
    loop.runAll();
    assertEquals(f.get(2).number(), feed.current().from, "the store is asked again at a new position");
    assertEquals(Phase.LIVE_EDGE, session.phase());
    feed.cutOff(CutOff.Reason.BEHIND_WINDOW); // nothing newer stored: the fragment is lost
    loop.runAll();
    assertEndedCleanly(session);
    assertEndsWithError(f.get(2).number().value(), StreamError.FRAGMENT_NOT_FOUND,
        "The requested fragment is no longer available");
    KvsParse parsed = KvsParse.read(new java.io.ByteArrayInputStream(out.bytes()), KvsParse.afterChunks(3));
    assertEquals(f.subList(0, 3).stream().map(x -> x.number().value()).toList(),
        parsed.chunks.stream().map(KvsParse.Chunk::number).toList());
  }

  @Test
  void behindTheWindowWhileNotReadingEndsAsASlowConsumerEvenBetweenChunks() throws Exception {
    store.persist(f.get(0));
    GetMediaSession session = start(24, new StartPoint.Now());
    feed.deliverWhole(f.get(1));
    loop.runAll();
    assertEquals(Phase.LIVE_EDGE, session.phase());
    out.full = true; // the reader stopped reading right after a whole chunk
    store.persist(f.get(1));
    store.persist(f.get(2));
    feed.cutOff(CutOff.Reason.BEHIND_WINDOW);
    loop.runAll();
    // Not moved to the store, where a reader that never reads would hold its stored reads forever:
    // cut off like any slow consumer, to resume with its token (docs/wire-protocol.md §2).
    assertEndedCleanly(session);
    assertWholeChunks(List.of(f.get(1)));
  }

  @Test
  void storeFailureMidChunkIsA5000ErrorChunkTheParserReads() throws Exception {
    for (int i = 0; i < 3; i++) {
      store.persist(f.get(i));
    }
    // The store fails in the middle of fragment 1's second SimpleBlock.
    long secondBlock = f.get(1).header().clusterOffset() + ChunkMkv.clusterStartLength(f.get(1).header()
        .clusterTimecode()) + ChunkMkv.simpleBlockHeaderLength(1, f.get(1).frames().get(0).data().length)
        + f.get(1).frames().get(0).data().length;
    store.failReadAfter.put(f.get(1).number(), secondBlock + 20);
    store.slice = 16; // the failure comes a few bytes into the block
    GetMediaSession session = start(24, earliest());
    assertEndedCleanly(session);
    assertEndsWithError(f.get(1).number().value(), StreamError.INTERNAL_ERROR, "Internal error");
    KvsParse parsed = out.parse();
    assertEquals(3, parsed.chunks.size());
    assertEquals(f.get(0).number().value(), parsed.chunks.get(0).token().orElseThrow());
    KvsParse.Chunk broken = parsed.chunks.get(1);
    assertEquals(f.get(1).number().value(), broken.number());
    assertFalse(broken.complete);
    assertEquals(1, broken.frames.size(), "the whole first frame, nothing of the cut one");
    KvsParse.Chunk error = parsed.chunks.get(2);
    assertFalse(error.metadata.isSuccess());
    assertEquals(5000, error.metadata.getErrorId());
    assertEquals(f.get(1).number().value(), error.number());
  }

  @Test
  void indexFailureIsA5000ErrorChunkAtThePosition() {
    store.persist(f.get(0));
    store.failIndex = true;
    GetMediaSession session = start(24, new StartPoint.After(f.get(0).number()));
    assertEndedCleanly(session);
    assertEndsWithError(f.get(0).number().value(), StreamError.INTERNAL_ERROR, "Internal error");
  }

  // ---- the transition table -------------------------------------------------------------------

  @Test
  void endedIsFinalAndOnlyChunkPhasesWaitForAnEnd() {
    assertTrue(Phase.ENDED.next().isEmpty());
    for (Phase p : Phase.values()) {
      assertEquals(p != Phase.ENDED, p.next().contains(Phase.ENDED), p + " can end");
      assertFalse(p.next().contains(Phase.NEW), "nothing returns to NEW");
    }
    assertEquals(EnumSet.of(Phase.STORED_CHUNK, Phase.LIVE_CHUNK),
        EnumSet.copyOf(Arrays.stream(Phase.values()).filter(Phase::midChunk).toList()));
    assertFalse(Phase.STORED_CHUNK.next().contains(Phase.LIVE_EDGE), "a stored chunk never hands over mid-chunk");
    assertFalse(Phase.LIVE_CHUNK.next().contains(Phase.STORED_FETCH), "nor does a live one");
  }
}
