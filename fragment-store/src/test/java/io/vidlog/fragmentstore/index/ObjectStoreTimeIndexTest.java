package io.vidlog.fragmentstore.index;

import static io.vidlog.fragmentstore.testing.Await.await;
import static io.vidlog.fragmentstore.testing.Await.failure;
import static io.vidlog.fragmentstore.testing.Await.rejection;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.buffer.Buffer;
import io.vidlog.fragmentstore.FragmentRecord;
import io.vidlog.fragmentstore.Rejected;
import io.vidlog.fragmentstore.chunk.ChunkHeader;
import io.vidlog.fragmentstore.index.TimeIndex.TimestampKind;
import io.vidlog.fragmentstore.object.MemoryObjectStore;
import io.vidlog.fragmentstore.object.ObjectInfo;
import io.vidlog.fragmentstore.object.StoreException;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.fragmentstore.streams.StreamStatus;
import io.vidlog.fragmentstore.testing.MemoryArchive;
import io.vidlog.fragmentstore.testing.TestSealer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ObjectStoreTimeIndexTest {
  static final StreamInfo STREAM = new StreamInfo("cam", "arn:aws:kinesisvideo:us-east-1:000000000000:stream/cam/1",
      "00112233445566778899", StreamStatus.ACTIVE, null, null, "alias/aws/kinesisvideo", 24, "v1", 1L, Map.of());

  private final MemoryObjectStore store = new MemoryObjectStore();
  private final TestSealer sealer = new TestSealer();
  private final IndexConfig config = new IndexConfig(1_000, 2, 8);

  /** A fresh node: nothing in memory, same object store. */
  private ObjectStoreTimeIndex node() {
    return new ObjectStoreTimeIndex(store, sealer, new MemoryArchive(store), config);
  }

  /** Headers with non-monotonic, duplicated producer timestamps and metadata on some. */
  static List<ChunkHeader> headers(int n, long seed) {
    Random rnd = new Random(seed);
    List<ChunkHeader> out = new ArrayList<>();
    long producer = 50_000;
    for (int i = 0; i < n; i++) {
      int r = rnd.nextInt(10);
      producer = r == 0 ? producer - rnd.nextInt(30_000) : r == 1 ? producer : producer + 2_000;
      List<ChunkHeader.TrackSummary> tracks = r == 2
          ? List.of(new ChunkHeader.TrackSummary(1, "V_MPEG4/ISO/AVC", 50))
          : List.of(new ChunkHeader.TrackSummary(1, "V_MPEG4/ISO/AVC", 50), new ChunkHeader.TrackSummary(2, "A_AAC", 90));
      List<ChunkHeader.Metadata> meta = i % 7 == 0 ? List.of(new ChunkHeader.Metadata("k", "v" + i)) : List.of();
      out.add(new ChunkHeader(StreamIndexTest.num(i), StreamIndexTest.T0 + i * 2_000L, producer, 2_000 + r, producer,
          tracks, meta, 300, 100_000 + rnd.nextInt(1_000)));
    }
    return out;
  }

  /** Ingest's part: the chunk is durable, then its record is appended. */
  private void ingest(ObjectStoreTimeIndex ix, MemoryArchive archive, List<ChunkHeader> hs) {
    for (ChunkHeader h : hs) {
      await(archive.put(STREAM, h));
      await(ix.append(STREAM, FragmentRecords.fromHeader(h)));
    }
  }

  private static List<FragmentRecord> all(ObjectStoreTimeIndex ix) {
    return await(ix.index(STREAM)).records();
  }

  @Test
  void anEmptyNodeRebuildsTheIndexFromSegmentsAndChunkHeadersExactly() {
    ObjectStoreTimeIndex first = node();
    MemoryArchive archive = new MemoryArchive(store);
    List<ChunkHeader> hs = headers(2_600, 11);
    ingest(first, archive, hs);

    List<String> segments = await(store.list(ObjectStoreTimeIndex.segmentPrefix(STREAM.streamId()), null, 100))
        .stream().map(ObjectInfo::key).toList();
    assertEquals(List.of(
        ObjectStoreTimeIndex.segmentPrefix(STREAM.streamId()) + hs.get(0).number() + "-" + hs.get(999).number(),
        ObjectStoreTimeIndex.segmentPrefix(STREAM.streamId()) + hs.get(1_000).number() + "-" + hs.get(1_999).number()),
        segments);

    MemoryArchive freshArchive = new MemoryArchive(store);
    ObjectStoreTimeIndex rebuilt = new ObjectStoreTimeIndex(store, sealer, freshArchive, config);
    assertEquals(all(first), all(rebuilt));
    assertEquals(await(first.index(STREAM)).recordsByProducerTime(), await(rebuilt.index(STREAM)).recordsByProducerTime());
    assertEquals(600, freshArchive.headerReads(), "only the tail after the last segment is read from chunks");
    for (TimestampKind k : TimestampKind.values()) {
      assertEquals(await(first.range(STREAM, k, 60_000, 900_000, 100, null)),
          await(rebuilt.range(STREAM, k, 60_000, 900_000, 100, null)));
    }
    // Ingest goes on on the rebuilt node; an append of a fragment the rebuild already read is harmless.
    await(rebuilt.append(STREAM, FragmentRecords.fromHeader(hs.get(2_599))));
    ingest(rebuilt, freshArchive, headers(2_601, 11).subList(2_600, 2_601));
    assertEquals(2_601, all(rebuilt).size());
  }

  /**
   * Ingest commits several chunks at once and appends their records in number order: an index
   * loaded meanwhile has read every committed chunk, so the appends that follow are of records it
   * already holds, the latest or older ones. Each is harmless, and the next new one is appended.
   */
  @Test
  void appendsOfFragmentsTheLoadAlreadyReadFromChunksAreHarmless() {
    MemoryArchive archive = new MemoryArchive(store);
    List<ChunkHeader> hs = headers(4, 21);
    for (ChunkHeader h : hs.subList(0, 3)) {
      await(archive.put(STREAM, h)); // three commits complete before the first append
    }
    ObjectStoreTimeIndex ix = node();
    for (ChunkHeader h : hs.subList(0, 3)) {
      await(ix.append(STREAM, FragmentRecords.fromHeader(h)));
    }
    await(archive.put(STREAM, hs.get(3)));
    await(ix.append(STREAM, FragmentRecords.fromHeader(hs.get(3))));
    assertEquals(hs.stream().map(FragmentRecords::fromHeader).toList(), all(ix));
    // an older number with other contents is still refused: the index never rewrites its past
    ChunkHeader h0 = hs.get(0);
    FragmentRecord other = new FragmentRecord(h0.number(), h0.serverTimestampMillis() + 1,
        h0.producerTimestampMillis(), h0.durationMillis(), 1, 1, false);
    assertInstanceOf(IllegalArgumentException.class, failure(ix.append(STREAM, other)));
  }

  @Test
  void segmentsAreSealedAndATamperedSegmentFailsTheLoad() {
    ingest(node(), new MemoryArchive(store), headers(1_000, 3));
    ObjectInfo seg = await(store.list(ObjectStoreTimeIndex.segmentPrefix(STREAM.streamId()), null, 10)).get(0);
    byte[] bytes = await(store.get(seg.key())).getBytes();
    assertFalse(new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1).contains("VLIX"), "sealed");
    bytes[bytes.length - 1] ^= 1;
    await(store.put(seg.key(), Buffer.buffer(bytes)));
    Throwable t = failure(node().latest(STREAM));
    assertInstanceOf(StoreException.class, t);
    assertEquals(StoreException.Kind.INTEGRITY, ((StoreException) t).kind());
  }

  @Test
  void expiryIsDurableAndNeverResurrectsFragments() {
    ObjectStoreTimeIndex ix = node();
    MemoryArchive archive = new MemoryArchive(store);
    List<ChunkHeader> hs = headers(2_500, 5);
    ingest(ix, archive, hs);
    long cutoff = hs.get(1_500).serverTimestampMillis(); // segment 1 wholly, segment 2 half expired
    List<FragmentRecord> gone = await(ix.expireBefore(STREAM, cutoff));
    assertEquals(1_500, gone.size());
    assertEquals(hs.get(1_499).number(), gone.get(gone.size() - 1).number());
    List<String> segments = await(store.list(ObjectStoreTimeIndex.segmentPrefix(STREAM.streamId()), null, 100))
        .stream().map(ObjectInfo::key).toList();
    assertEquals(1, segments.size(), "the wholly expired segment is deleted: " + segments);
    assertEquals(hs.get(1_500).number(), await(ix.earliest(STREAM)).number());

    // Chunks are not deleted yet (the sweeper does that next): a rebuild must still not bring them back.
    ObjectStoreTimeIndex rebuilt = node();
    assertEquals(all(ix), all(rebuilt));
    assertEquals(1_000, all(rebuilt).size());
    // And after everything expires, a rebuild from chunks alone stays empty too.
    await(ix.expireBefore(STREAM, Long.MAX_VALUE));
    assertNull(await(node().earliest(STREAM)));
  }

  @Test
  void flushAllWritesThePartialTail() {
    ObjectStoreTimeIndex ix = node();
    ingest(ix, new MemoryArchive(store), headers(1_234, 8));
    await(ix.flushAll());
    MemoryArchive fresh = new MemoryArchive(store);
    ObjectStoreTimeIndex rebuilt = new ObjectStoreTimeIndex(store, sealer, fresh, config);
    assertEquals(all(ix), all(rebuilt));
    assertEquals(0, fresh.headerReads());
  }

  @Test
  void foreignTokensAreRejectedAndBadRangesAreProgrammingErrors() {
    ObjectStoreTimeIndex ix = node();
    ingest(ix, new MemoryArchive(store), headers(10, 1));
    assertThrows(IllegalArgumentException.class, () -> ix.range(STREAM, TimestampKind.SERVER, 0, 1, 0, null));
    assertThrows(IllegalArgumentException.class, () -> ix.range(STREAM, TimestampKind.SERVER, 2, 1, 10, null));
    assertEquals(Rejected.Reason.BAD_TOKEN, rejection(ix.range(STREAM, TimestampKind.SERVER, 0, 1, 10, "!!")));
    String producerToken = await(ix.range(STREAM, TimestampKind.PRODUCER, Long.MIN_VALUE, Long.MAX_VALUE, 3, null))
        .nextToken();
    assertNotNull(producerToken);
    assertEquals(Rejected.Reason.BAD_TOKEN,
        rejection(ix.range(STREAM, TimestampKind.SERVER, Long.MIN_VALUE, Long.MAX_VALUE, 3, producerToken)));
    // locate: the fragment that contains the time, none after the last one
    FragmentRecord latest = await(ix.latest(STREAM));
    assertEquals(latest, await(ix.locate(STREAM, TimestampKind.SERVER, latest.serverTimestampMillis())));
    assertNull(await(ix.locate(STREAM, TimestampKind.SERVER, Long.MAX_VALUE - 10_000)));
  }
}
