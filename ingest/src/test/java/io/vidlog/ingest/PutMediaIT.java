package io.vidlog.ingest;

import io.vidlog.fragmentstore.chunk.ChunkMkv;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vidlog.fragmentstore.FragmentRecord;
import io.vidlog.fragmentstore.live.LiveEvent;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.fragmentstore.testing.MemoryArchive;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** POST /putMedia end to end over a real socket with a plain HTTP client (docs/wire-protocol.md §1). */
class PutMediaIT {
  private IngestServer server;
  @org.junit.jupiter.api.io.TempDir
  java.nio.file.Path dataDir;

  @BeforeEach
  void start() throws Exception {
    server = new IngestServer(IngestConfig.DEFAULT, dataDir);
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  /** Asserts BUFFERING < RECEIVED < PERSISTED per fragment and PERSISTED in fragment order; returns the fragment numbers. */
  static List<String> assertAckOrder(Uploads.Result r, boolean persisted) {
    assertEquals(200, r.status(), () -> "body: " + r.errorBody());
    List<String> numbers = new ArrayList<>();
    List<String> persistedOrder = new ArrayList<>();
    for (JsonObject a : r.acks()) {
      String type = a.getString("EventType");
      String n = a.getString("FragmentNumber");
      switch (type) {
        case "BUFFERING" -> numbers.add(n);
        case "RECEIVED" -> assertTrue(numbers.contains(n), "RECEIVED before BUFFERING: " + a);
        case "PERSISTED" -> {
          int received = indexOf(r.acks(), "RECEIVED", n);
          assertTrue(received >= 0 && received < r.acks().indexOf(a), "PERSISTED before RECEIVED: " + a);
          persistedOrder.add(n);
        }
        default -> { }
      }
    }
    if (persisted) {
      assertEquals(numbers, persistedOrder, "every fragment PERSISTED, in order: " + r.acks());
    } else {
      assertTrue(persistedOrder.isEmpty());
    }
    return numbers;
  }

  private static int indexOf(List<JsonObject> acks, String type, String number) {
    for (int i = 0; i < acks.size(); i++) {
      if (type.equals(acks.get(i).getString("EventType")) && number.equals(acks.get(i).getString("FragmentNumber"))) {
        return i;
      }
    }
    return -1;
  }

  private void assertStoredFramesEqualUploaded(StreamInfo stream, byte[] uploaded, int fragments) throws Exception {
    List<MemoryArchive.Stored> chunks = server.stored(stream);
    assertEquals(fragments, chunks.size());
    List<Uploads.Frame> stored = new ArrayList<>();
    for (MemoryArchive.Stored c : chunks) {
      stored.addAll(Uploads.frames(c.mkv().getBytes())); // each chunk parses alone: self-contained
      assertEquals(c.header().mkvLength(), c.mkv().length());
    }
    assertEquals(Uploads.frames(uploaded), stored);
  }

  @Test
  void ffmpegMkvIsFragmentedPerClusterAndPersisted() throws Exception {
    StreamInfo stream = server.streams.add("ffmpeg", 24);
    byte[] mkv = Uploads.resource("ffmpeg-live-av.mkv");
    Uploads.Result r = Uploads.upload(server.uri(), "ffmpeg", mkv);
    List<String> numbers = assertAckOrder(r, true);
    assertEquals(4, numbers.size());
    assertEquals(List.of(128L, 1024L, 1792L, 2828L),
        r.ofType("BUFFERING").stream().map(a -> a.getLong("FragmentTimecode")).toList());
    assertStoredFramesEqualUploaded(stream, mkv, 4);
    List<FragmentRecord> index = server.stores.records(stream);
    assertEquals(numbers, index.stream().map(f -> f.number().value()).toList());
    // RELATIVE: producer start 1700000000.000 + cluster timecode
    assertEquals(1_700_000_000_128L, index.get(0).producerTimestampMillis());
    assertEquals(0b11, index.get(0).trackMask());
    assertTrue(index.get(0).hasMetadata()); // ffmpeg's ENCODER tags precede the first cluster
  }

  @Test
  void ffmpegH265MkvIsPersisted() throws Exception {
    StreamInfo stream = server.streams.add("h265", 24);
    byte[] mkv = Uploads.resource("ffmpeg-live-h265.mkv");
    int[] clusters = {0};
    io.vidlog.media.mkv.MkvReader reader = new io.vidlog.media.mkv.MkvReader(new io.vidlog.media.mkv.MkvHandler() {
      @Override
      public void onClusterStart(long timecode, long size) {
        clusters[0]++;
      }
    });
    reader.feed(mkv, 0, mkv.length);
    reader.end();
    Uploads.Result r = Uploads.upload(server.uri(), "h265", mkv);
    assertEquals(clusters[0], assertAckOrder(r, true).size());
    assertStoredFramesEqualUploaded(stream, mkv, clusters[0]);
    assertEquals("V_MPEGH/ISO/HEVC", server.stored(stream).get(0).header().tracks().get(0).codecId());
  }

  @Test
  void liveFeedCarriesTheSameBytesAsTheStoredChunks() throws Exception {
    StreamInfo stream = server.streams.add("live", 24);
    byte[] mkv = Uploads.resource("ffmpeg-live-av.mkv");
    assertAckOrder(Uploads.upload(server.uri(), "live", mkv), true);
    List<LiveEvent> events = server.feeds.published(stream.streamId());
    List<Buffer> rebuilt = new ArrayList<>();
    Buffer current = null;
    int headerLength = -1;
    for (LiveEvent e : events) {
      if (e instanceof LiveEvent.FragmentStart s) {
        headerLength = s.mkvHeader().length();
        current = Buffer.buffer().appendBuffer(s.mkvHeader()).appendBuffer(ChunkMkv.clusterStart(s.clusterTimecode()));
      } else if (e instanceof LiveEvent.Frame f) {
        current.appendBuffer(ChunkMkv.simpleBlockHeader(f.trackNumber(), f.relativeTimecode(), f.flags(),
            f.payload().length())).appendBuffer(f.payload());
      } else if (e instanceof LiveEvent.FragmentEnd end) {
        current.appendBuffer(end.mkvTrailer());
        // the header's cluster offset is where the live reader's Cluster starts: after the mkvHeader
        assertEquals(headerLength, end.header().clusterOffset());
        assertTrue(end.persisted());
        rebuilt.add(current);
      }
    }
    List<MemoryArchive.Stored> chunks = server.stored(stream);
    assertEquals(4, chunks.size());
    assertEquals(chunks.size(), rebuilt.size());
    for (int i = 0; i < chunks.size(); i++) {
      assertEquals(chunks.get(i).mkv(), rebuilt.get(i), "chunk " + i);
    }
  }

  @Test
  void kvsLayoutWithTagsAndEndOfFragment() throws Exception {
    StreamInfo stream = server.streams.add("kvs", 24);
    byte[] mkv = new TestMkv().header(2).tags("camera", "front").fragment(0, 2, 5, 100).tags("after", "blocks")
        .endOfFragment().tags("next", "one").fragment(1000, 2, 5, 100).bytes();
    Uploads.Result r = Uploads.upload(server.uri(), "kvs", mkv);
    assertEquals(2, assertAckOrder(r, true).size());
    List<MemoryArchive.Stored> chunks = server.stored(stream);
    assertEquals(List.of("camera", "after"), chunks.get(0).header().metadata().stream().map(m -> m.name()).toList());
    assertEquals(List.of("next"), chunks.get(1).header().metadata().stream().map(m -> m.name()).toList());
    assertStoredFramesEqualUploaded(stream, mkv, 2);
  }

  @Test
  void aBodyOpeningWithTagsBeforeItsEbmlHeaderIsStoredWithThemAsFirstFragmentMetadata() throws Exception {
    StreamInfo stream = server.streams.add("resumed", 24);
    byte[] mkv = TagsBeforeHeaderTest.body();
    Uploads.Result r = Uploads.upload(server.uri(), "resumed", mkv);
    assertEquals(2, assertAckOrder(r, true).size());
    assertTrue(r.ofType("ERROR").isEmpty(), r.acks()::toString);
    List<MemoryArchive.Stored> chunks = server.stored(stream);
    assertEquals(List.of("camera", "after"), chunks.get(0).header().metadata().stream().map(m -> m.name()).toList());
    assertEquals(List.of(), chunks.get(1).header().metadata());
    assertStoredFramesEqualUploaded(stream, mkv, 2);
  }

  @Test
  void retentionZeroIsLiveOnly() throws Exception {
    StreamInfo stream = server.streams.add("zero", 0);
    byte[] mkv = Uploads.resource("ffmpeg-live-av.mkv");
    Uploads.Result r = Uploads.upload(server.uri(), "zero", mkv);
    assertEquals(4, assertAckOrder(r, false).size());
    assertEquals(4, r.ofType("RECEIVED").size());
    assertTrue(server.stored(stream).isEmpty());
    assertTrue(server.stores.records(stream).isEmpty());
    long frames = server.feeds.published(stream.streamId()).stream().filter(e -> e instanceof LiveEvent.Frame).count();
    assertEquals(Uploads.frames(mkv).size(), frames);
  }

  @Test
  void headerErrorsAreHttpErrors() {
    byte[] mkv = Uploads.resource("ffmpeg-live-av.mkv");
    Uploads.Result unknown = Uploads.upload(server.uri(), "nope", mkv);
    assertEquals(404, unknown.status());
    assertTrue(unknown.errorBody().contains("ResourceNotFoundException"));
    Uploads.Result both = Uploads.upload(server.uri(), Map.of("x-amzn-stream-name", "a", "x-amzn-stream-arn",
        "arn:aws:kinesisvideo:us-east-1:0:stream/a/1"), () -> new ByteArrayInputStream(mkv));
    assertEquals(400, both.status());
    assertTrue(both.errorBody().contains("InvalidArgumentException"));
  }

  @Test
  void streamByArn() throws Exception {
    StreamInfo stream = server.streams.add("byarn", 24);
    byte[] mkv = Uploads.resource("ffmpeg-live-av.mkv");
    Uploads.Result r = Uploads.upload(server.uri(), Map.of("x-amzn-stream-arn", stream.streamArn(),
        "x-amzn-fragment-timecode-type", "ABSOLUTE"), () -> new ByteArrayInputStream(mkv));
    assertEquals(4, assertAckOrder(r, true).size());
    assertEquals(128L, server.stores.records(stream).get(0).producerTimestampMillis());
  }
}
