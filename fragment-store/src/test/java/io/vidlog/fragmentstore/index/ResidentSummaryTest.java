package io.vidlog.fragmentstore.index;

import static io.vidlog.fragmentstore.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vidlog.fragmentstore.FragmentRecord;
import io.vidlog.fragmentstore.chunk.ChunkHeader;
import io.vidlog.fragmentstore.index.TimeIndex.Page;
import io.vidlog.fragmentstore.index.TimeIndex.TimestampKind;
import io.vidlog.fragmentstore.object.MemoryObjectStore;
import io.vidlog.fragmentstore.object.ObjectInfo;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.fragmentstore.testing.MemoryArchive;
import io.vidlog.fragmentstore.testing.TestSealer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the index keeps in memory and reads from the store: a stream's summary at first use, only
 * the segments a query needs, whole segments dropped by retention without being read.
 */
class ResidentSummaryTest {
  static final StreamInfo STREAM = ObjectStoreTimeIndexTest.STREAM;

  private final MemoryObjectStore memory = new MemoryObjectStore();
  private final CountingStore store = new CountingStore(memory);
  private final TestSealer sealer = new TestSealer();
  private final IndexConfig config = new IndexConfig(100, 2, 4, 1L << 20);

  private ObjectStoreTimeIndex node() {
    return new ObjectStoreTimeIndex(store, sealer, new MemoryArchive(store), config);
  }

  private static List<ChunkHeader> ingest(ObjectStoreTimeIndex ix, int n) {
    List<ChunkHeader> hs = ObjectStoreTimeIndexTest.headers(n, 31);
    for (ChunkHeader h : hs) {
      await(ix.append(STREAM, FragmentRecords.fromHeader(h)));
    }
    return hs;
  }

  private List<String> segmentKeys() {
    return await(memory.list(ObjectStoreTimeIndex.segmentPrefix(STREAM.streamId()), null, 10_000)).stream()
        .map(ObjectInfo::key).toList();
  }

  @Test
  void theFirstQueryAfterARestartReadsTheSummaryAndOnlyTheSegmentsItNeeds() {
    ObjectStoreTimeIndex first = node();
    List<ChunkHeader> hs = ingest(first, 5_000);
    await(first.flushAll());
    assertEquals(50, segmentKeys().size());

    store.resetCounts();
    ObjectStoreTimeIndex restarted = node();
    ChunkHeader h = hs.get(2_345);
    Page p = await(restarted.range(STREAM, TimestampKind.SERVER, h.serverTimestampMillis(),
        h.serverTimestampMillis() + 99 * 2_000L, 1_000, null));
    assertEquals(100, p.records().size());
    assertEquals(hs.get(2_345).number(), p.records().get(0).number());
    assertEquals(1, store.gets("index-summary"));
    assertEquals(2, store.gets("/index/"), "the two segments the range spans, not all fifty");
    assertEquals(0, store.gets("/chunks/"));
    assertEquals(2, restarted.cache().loads());

    // a second query of the same range is answered from memory
    await(restarted.range(STREAM, TimestampKind.SERVER, h.serverTimestampMillis(),
        h.serverTimestampMillis() + 99 * 2_000L, 1_000, null));
    assertEquals(2, store.gets("/index/"));
    assertTrue(restarted.cache().hits() >= 2);
  }

  @Test
  void segmentsWrittenAfterTheSummaryAreListedAndTheSummaryCatchesUp() {
    ObjectStoreTimeIndex first = node();
    ingest(first, 2_000);
    await(first.flushAll()); // summary of 20 segments
    List<ChunkHeader> more = ObjectStoreTimeIndexTest.headers(2_500, 31).subList(2_000, 2_500);
    for (ChunkHeader h : more) {
      await(first.append(STREAM, FragmentRecords.fromHeader(h)));
    }
    // five more segments, fewer than the summary's rewrite interval: not in the summary yet
    assertEquals(25, segmentKeys().size());

    store.resetCounts();
    ObjectStoreTimeIndex second = node();
    assertEquals(await(first.index(STREAM)).records(), records(second));
    // the load reads the five after the summary and keeps them; the comparison then reads the other twenty
    assertEquals(25, store.gets("/index/"));

    store.resetCounts();
    ObjectStoreTimeIndex third = node();
    await(third.latest(STREAM));
    assertEquals(1, store.gets("/index/"), "the summary now names all 25: only the newest segment is read");
  }

  private static List<FragmentRecord> records(ObjectStoreTimeIndex ix) {
    return await(ix.index(STREAM)).records();
  }

  @Test
  void aDamagedOrLostSummaryIsRebuiltFromTheSegments() {
    ObjectStoreTimeIndex first = node();
    ingest(first, 3_000);
    await(first.flushAll());
    List<FragmentRecord> all = records(first);
    String key = ObjectStoreTimeIndex.summaryKey(STREAM.streamId());
    byte[] sealed = await(memory.get(key)).getBytes();
    sealed[sealed.length - 1] ^= 1;
    await(memory.put(key, Buffer.buffer(sealed)));
    assertEquals(all, records(node()));
    // the load wrote a good summary again
    store.resetCounts();
    await(node().earliest(STREAM));
    assertEquals(1, store.gets("/index/"));

    await(memory.delete(key));
    assertEquals(all, records(node()));
  }

  @Test
  void retentionDropsWholeSegmentsWithoutReadingThem() {
    ObjectStoreTimeIndex first = node();
    List<ChunkHeader> hs = ingest(first, 3_000);
    await(first.flushAll());
    store.resetCounts();
    ObjectStoreTimeIndex ix = node(); // nothing cached
    long cutoff = hs.get(1_850).serverTimestampMillis(); // 18 whole segments and half of one
    ObjectStoreTimeIndex.Expiry e = await(ix.expire(STREAM, cutoff));
    assertEquals(1_850, e.fragments());
    assertEquals(hs.get(1_849).number(), e.floor());
    assertEquals(1, store.gets("/index/"), "only the segment the cutoff falls in is read");
    assertEquals(12, segmentKeys().size());
    assertEquals(hs.get(1_850).number(), await(ix.earliest(STREAM)).number());

    // after a restart the floor lies inside the first segment: what it held below the floor is not counted again
    ObjectStoreTimeIndex again = node();
    e = await(again.expire(STREAM, hs.get(2_050).serverTimestampMillis()));
    assertEquals(200, e.fragments());
    assertEquals(hs.get(2_050).number(), await(again.earliest(STREAM)).number());
    assertEquals(records(again), records(node()));
  }

  @Test
  void residentMemoryIsTheSummaryAndTheTailNotTheSegments() {
    ObjectStoreTimeIndex ix = new ObjectStoreTimeIndex(store, sealer, new MemoryArchive(store),
        new IndexConfig(1_000, 2, 4, 0));
    ingest(ix, 100_500);
    long resident = ix.residentBytes();
    // 100 segments in the summary (about 110 bytes each, with slack) and a tail of 500 entries
    assertTrue(resident < 100 * SegmentList.ENTRY_BYTES * 2 + 1_000 * StreamIndex.ENTRY_BYTES,
        "resident bytes " + resident);
    assertTrue(resident / 100_500.0 < 1.0, "bytes per fragment " + resident / 100_500.0);
    assertEquals(0, ix.cache().bytes());
  }

  @Test
  void aFailedSegmentWriteKeepsTheEntriesAndIsRetried() {
    ObjectStoreTimeIndex ix = node();
    store.failPuts(k -> k.contains("/index/"));
    List<ChunkHeader> hs = ingest(ix, 250);
    assertTrue(segmentKeys().isEmpty());
    assertEquals(250, records(ix).size());
    assertEquals(hs.get(123).number(), await(ix.get(STREAM, hs.get(123).number())).number());
    store.failPuts(k -> false);
    await(ix.flushAll());
    assertEquals(3, segmentKeys().size());
    assertEquals(records(ix), records(node()));
  }

  /**
   * A query that took its snapshot before retention removed a segment, and reads that segment
   * after it was deleted, answers without it instead of failing.
   */
  @Test
  void aQueryRacingRetentionDoesNotFailOnADeletedSegment() {
    ObjectStoreTimeIndex first = node();
    List<ChunkHeader> hs = ingest(first, 1_000);
    await(first.flushAll());
    ObjectStoreTimeIndex ix = new ObjectStoreTimeIndex(store, sealer, new MemoryArchive(store),
        new IndexConfig(100, 2, 4, 0));
    await(ix.open(STREAM));
    String firstSegment = segmentKeys().get(0);
    store.holdGets(firstSegment::equals);
    io.vertx.core.Future<Page> racing = ix.range(STREAM, TimestampKind.SERVER, hs.get(0).serverTimestampMillis(),
        hs.get(999).serverTimestampMillis(), 1_000, null);
    assertEquals(1, store.heldGets(), "the query waits for the first segment");
    io.vertx.core.Future<ObjectStoreTimeIndex.Expiry> expiry = ix.expire(STREAM, hs.get(150).serverTimestampMillis());
    assertEquals(150, await(expiry).fragments()); // read the boundary segment, deleted the first
    assertTrue(!segmentKeys().contains(firstSegment));
    store.releaseGets(); // the query reads its first segment now: gone
    // what the query saw of the deleted segment is nothing; of the rest, its snapshot (so at most a few
    // just-expired fragments of the segment the cutoff fell in, as if the query had finished first)
    List<io.vidlog.fragmentstore.FragmentNumber> got = await(racing).records().stream().map(FragmentRecord::number)
        .toList();
    int from = hs.size() - got.size();
    assertEquals(100, from, "the page starts at fragment " + from);
    assertEquals(hs.subList(from, 1_000).stream().map(ChunkHeader::number).toList(), got);
  }
}
