package io.vidlog.fragmentstore.retention;

import static io.vidlog.fragmentstore.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.chunk.ChunkHeader;
import io.vidlog.fragmentstore.index.FragmentRecords;
import io.vidlog.fragmentstore.testing.MemoryArchive;
import io.vidlog.fragmentstore.index.IndexConfig;
import io.vidlog.fragmentstore.index.ObjectStoreTimeIndex;
import io.vidlog.fragmentstore.object.MemoryObjectStore;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.fragmentstore.streams.StreamStatus;
import io.vidlog.fragmentstore.testing.TestSealer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RetentionSweeperTest {
  static final long HOUR = 3_600_000L;
  static final long NOW = 1_763_800_000_000L;

  private final Vertx vertx = Vertx.vertx();
  private final MemoryObjectStore store = new MemoryObjectStore();
  private final TestSealer sealer = new TestSealer();
  private final AtomicInteger failDeletes = new AtomicInteger();
  private final MemoryArchive chunks = new MemoryArchive(store);
  private final MemoryArchive archive = new MemoryArchive(store) {
    @Override
    public Future<Void> delete(StreamInfo stream, FragmentNumber number) {
      if (failDeletes.getAndDecrement() > 0) {
        return Future.failedFuture(new IllegalStateException("store down"));
      }
      return super.delete(stream, number);
    }
  };
  private final ObjectStoreTimeIndex index = new ObjectStoreTimeIndex(store, sealer, archive, new IndexConfig(50, 2, 8));
  private final AtomicLong clock = new AtomicLong(NOW);
  private final List<StreamInfo> streams = new ArrayList<>();
  private final RetentionSweeper sweeper = new RetentionSweeper(vertx, () -> streams, index, archive, clock::get);

  @AfterEach
  void tearDown() {
    sweeper.close();
    await(vertx.close());
  }

  static StreamInfo stream(String id, int hours) {
    return new StreamInfo("s" + id, "arn:aws:kinesisvideo:us-east-1:000000000000:stream/s" + id + "/1", id,
        StreamStatus.ACTIVE, null, null, "k", hours, "v", 1, Map.of());
  }

  /** 120 fragments one minute apart, the newest one minute old. */
  private List<ChunkHeader> ingest(StreamInfo s) {
    List<ChunkHeader> hs = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      long server = NOW - (120 - i) * 60_000L;
      ChunkHeader h = new ChunkHeader(FragmentNumber.parse(String.format("%022d", 1_000 + i)), server, i * 2_000L,
          2_000, 0, List.of(new ChunkHeader.TrackSummary(1, "V_MPEG4/ISO/AVC", 60)), List.of(), 100, 5_000);
      await(chunks.put(s, h));
      await(index.append(s, FragmentRecords.fromHeader(h)));
      hs.add(h);
    }
    return hs;
  }

  private List<FragmentNumber> storedChunks(StreamInfo s) {
    return await(chunks.list(s, null, 1_000));
  }

  @Test
  void expiresFragmentsOlderThanRetentionAndDeletesTheirChunks() {
    StreamInfo oneHour = stream("aaaa", 1);
    StreamInfo day = stream("bbbb", 24);
    streams.addAll(List.of(oneHour, day));
    List<ChunkHeader> hs = ingest(oneHour);
    ingest(day);
    assertEquals(60, await(sweeper.sweepOnce()));
    // Fragments that started exactly at the cutoff stay (the cutoff is exclusive).
    assertEquals(hs.get(60).number(), await(index.earliest(oneHour)).number());
    assertEquals(hs.subList(60, 120).stream().map(ChunkHeader::number).toList(), storedChunks(oneHour));
    assertEquals(120, storedChunks(day).size());
    assertEquals(60, sweeper.expiredFragments());
    assertEquals(0, await(sweeper.sweepOnce()), "nothing more to expire");
  }

  @Test
  void shorteningRetentionAppliesToExistingDataAndZeroKeepsNothing() {
    StreamInfo s = stream("cccc", 24);
    streams.add(s);
    ingest(s);
    assertEquals(0, await(sweeper.sweepOnce()));
    streams.set(0, stream("cccc", 1)); // UpdateDataRetention DECREASE by 23
    assertEquals(60, await(sweeper.sweepOnce()));
    clock.addAndGet(30 * 60_000L); // time passes
    assertEquals(30, await(sweeper.sweepOnce()));
    streams.set(0, stream("cccc", 0));
    assertEquals(30, await(sweeper.sweepOnce()));
    assertNull(await(index.latest(s)));
    assertEquals(List.of(), storedChunks(s));
  }

  @Test
  void chunksWhoseDeletionFailedAreDeletedByALaterSweep() {
    StreamInfo s = stream("dddd", 1);
    streams.add(s);
    ingest(s);
    failDeletes.set(1_000);
    assertEquals(0, await(sweeper.sweepOnce()), "the failed stream counts nothing");
    assertEquals(1, sweeper.failedStreamSweeps());
    assertEquals(120, storedChunks(s).size(), "index expired them durably, chunks are left behind");
    assertEquals(60, await(index.index(s)).size());
    failDeletes.set(0);
    await(sweeper.sweepOnce());
    assertEquals(60, storedChunks(s).size());
    // A restarted node does not resurrect them either.
    ObjectStoreTimeIndex fresh = new ObjectStoreTimeIndex(store, sealer, new MemoryArchive(store), IndexConfig.DEFAULT);
    assertEquals(60, await(fresh.index(s)).size());
  }
}
