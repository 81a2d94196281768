package io.vidlog.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static io.vidlog.fragmentstore.testing.Conditions.await;

import io.vidlog.fragmentstore.FragmentRecord;
import io.vertx.core.json.JsonObject;
import io.vidlog.fragmentstore.chunk.ChunkHeader;
import io.vidlog.fragmentstore.live.LiveEvent;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.fragmentstore.testing.MemoryArchive;
import io.vidlog.media.mp4.Mp4Demux;
import io.vidlog.media.mp4.Mp4Handler;
import io.vidlog.media.mp4.Mp4Limits;
import io.vidlog.media.mp4.Mp4Sample;
import io.vidlog.media.mp4.Mp4Track;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * MP4 uploads on /putMedia (fragmented and progressive, H.264+AAC and H.265) become the same
 * self-contained MKV chunks with the same acks; the stored frames equal the MP4's samples.
 * Fragmented MP4 is demuxed as it arrives (acks and live frames before the body ends, nothing on
 * disk); progressive MP4 is spooled to a temporary file that is gone after every outcome.
 */
class Mp4UploadIT {
  private IngestServer server;
  private Path spoolDir;
  @TempDir
  Path tmp;

  @BeforeEach
  void start() throws Exception {
    spoolDir = Files.createDirectories(tmp.resolve("spool"));
    server(IngestConfig.DEFAULT);
  }

  /** (Re)starts the server with {@code config}, spooling into {@link #spoolDir}. */
  private void server(IngestConfig config) throws Exception {
    if (server != null) {
      server.close();
    }
    server = new IngestServer(config.withMp4Spool(config.maxMp4SpoolBytes(), spoolDir), tmp.resolve("data"));
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  private long spooled() {
    try (Stream<Path> files = Files.list(spoolDir)) {
      return files.count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<Integer> errorIds(List<JsonObject> acks) {
    return acks.stream().filter(a -> "ERROR".equals(a.getString("EventType"))).map(a -> a.getInteger("ErrorId"))
        .toList();
  }

  private static List<JsonObject> ofType(List<JsonObject> acks, String type) {
    return acks.stream().filter(a -> type.equals(a.getString("EventType"))).toList();
  }

  private List<Uploads.Frame> storedFrames(StreamInfo stream) throws Exception {
    List<Uploads.Frame> out = new ArrayList<>();
    for (MemoryArchive.Stored c : server.stored(stream)) {
      out.addAll(Uploads.frames(c.mkv().getBytes()));
    }
    return out;
  }

  /** The samples of an MP4 as frames: track number (order in moov), presentation ms, key, bytes. */
  private List<Uploads.Frame> samples(byte[] mp4) throws Exception {
    Path f = Files.write(tmp.resolve("in.mp4"), mp4);
    List<Uploads.Frame> out = new ArrayList<>();
    List<Mp4Track> tracks = new ArrayList<>();
    Mp4Demux.file(f, Mp4Limits.defaults(), new Mp4Handler() {
      @Override
      public void onTracks(List<Mp4Track> t) {
        tracks.addAll(t);
      }

      @Override
      public void onSample(Mp4Sample s) {
        Mp4Track t = tracks.stream().filter(x -> x.trackId() == s.trackId()).findFirst().orElseThrow();
        long ticks = s.presentationTime() - t.editMediaTime();
        long ms = Math.floorDiv(ticks / t.timescale() * 1_000_000_000L + ticks % t.timescale() * 1_000_000_000L
            / t.timescale(), 1_000_000L);
        byte[] b = new byte[s.payload().remaining()];
        s.payload().duplicate().get(b);
        out.add(new Uploads.Frame(tracks.indexOf(t) + 1, ms * 1_000_000L, s.key(), HexFormat.of().formatHex(b)));
      }
    });
    return out;
  }

  private static List<Uploads.Frame> byTrack(List<Uploads.Frame> frames, int track) {
    return frames.stream().filter(f -> f.track() == track).toList();
  }

  /** Asserts the stream's stored frames are the MP4's samples, track by track; returns them. */
  private List<Uploads.Frame> assertStoredFramesAreTheSamples(StreamInfo stream, byte[] mp4, int tracks)
      throws Exception {
    List<Uploads.Frame> stored = storedFrames(stream);
    List<Uploads.Frame> expected = samples(mp4);
    for (int t = 1; t <= tracks; t++) {
      assertEquals(byTrack(expected, t), byTrack(stored, t), "track " + t);
    }
    return stored;
  }

  @ParameterizedTest
  @CsvSource({
      "fmp4-h264-aac.mp4, video/mp4, 2, V_MPEG4/ISO/AVC",
      "progressive-h264-aac.mp4, , 2, V_MPEG4/ISO/AVC",
      "progressive-faststart-h264-aac.mp4, video/mp4, 2, V_MPEG4/ISO/AVC",
      "progressive-h265.mp4, video/mp4, 1, V_MPEGH/ISO/HEVC"})
  void mp4UploadIsStoredAsMkvChunks(String fixture, String contentType, int tracks, String videoCodec)
      throws Exception {
    String name = fixture.replace('.', '-');
    StreamInfo stream = server.streams.add(name, 24);
    byte[] mp4 = Uploads.resource(fixture);
    Map<String, String> headers = contentType == null
        ? Map.of("x-amzn-stream-name", name)
        : Map.of("x-amzn-stream-name", name, "Content-Type", contentType);
    Uploads.Result r = Uploads.upload(server.uri(), headers, () -> new ByteArrayInputStream(mp4));
    List<String> numbers = PutMediaIT.assertAckOrder(r, true);
    assertTrue(r.ofType("ERROR").isEmpty(), r.acks()::toString);
    // 3 s with a key frame every second, cut at the first key frame at or after 2 s
    assertEquals(2, numbers.size(), r.acks()::toString);
    List<MemoryArchive.Stored> chunks = server.stored(stream);
    for (MemoryArchive.Stored c : chunks) {
      List<Uploads.Frame> frames = Uploads.frames(c.mkv().getBytes());
      assertTrue(frames.get(0).key(), "each fragment starts on a key frame");
      ChunkHeader h = c.header();
      assertEquals(tracks, h.tracks().size());
      assertEquals(videoCodec, h.tracks().get(0).codecId());
      assertTrue(h.durationMillis() <= 10_000);
    }
    assertStoredFramesAreTheSamples(stream, mp4, tracks);
    List<FragmentRecord> index = server.stores.records(stream);
    assertEquals(numbers, index.stream().map(x -> x.number().value()).toList());
    // a progressive upload's temporary file is deleted before its last ack; a fragmented one never had one
    assertEquals(0, spooled());
  }

  @Test
  void fragmentedMp4IsAckedAndPublishedWhileTheBodyIsStillComing() throws Exception {
    StreamInfo stream = server.streams.add("live-fmp4", 24);
    byte[] mp4 = Uploads.resource("fmp4-h264-aac.mp4");
    // everything but the last byte of the last mdat (and the mfra after it): the first fragment
    // (cut at the key frame 2 s in) is complete, the second one is open
    int held = Mp4UploadTest.lastIndexOf(mp4, "mfra") - 4 - 1;
    Supplier<List<LiveEvent>> live = () -> server.feeds.published(stream.streamId());
    try (RawPutMedia p = RawPutMedia.open(server.port(), "live-fmp4")) {
      for (int off = 0; off < held; off += 500) {
        p.send(mp4, off, Math.min(500, held - off)); // in pieces, no Content-Type: found by its ftyp
      }
      assertEquals(200, p.status());
      List<JsonObject> early = new ArrayList<>();
      JsonObject persisted = p.until("PERSISTED", early); // the tail is not sent: this ack cannot wait for it
      assertNotNull(persisted, early::toString);
      String first = early.get(0).getString("FragmentNumber");
      assertEquals("BUFFERING", early.get(0).getString("EventType"));
      assertEquals(first, persisted.getString("FragmentNumber"));
      assertTrue(early.stream().anyMatch(a -> "RECEIVED".equals(a.getString("EventType"))
          && first.equals(a.getString("FragmentNumber"))), early::toString);
      assertEquals(List.of(), errorIds(early));
      // the first fragment's frames reached the live feed, and so do the open fragment's frames
      // before it closes (its last sample is held back)
      List<LiveEvent> events = live.get();
      assertTrue(events.stream().anyMatch(e -> e instanceof LiveEvent.FragmentEnd end
          && end.number().value().equals(first)));
      await("a frame of the open fragment is live", () -> live.get().stream().anyMatch(e ->
          e instanceof LiveEvent.Frame f && !f.number().value().equals(first)));
      assertEquals(1, live.get().stream().filter(e -> e instanceof LiveEvent.FragmentEnd).count());
      assertEquals(0, spooled(), "a fragmented MP4 is never spooled");

      p.send(mp4, held, mp4.length - held);
      p.finish();
      List<JsonObject> rest = p.rest();
      List<JsonObject> all = new ArrayList<>(early);
      all.addAll(rest);
      assertEquals(List.of(), errorIds(all), all::toString);
      assertEquals(2, ofType(all, "PERSISTED").size(), all::toString);
    }
    List<Uploads.Frame> stored = assertStoredFramesAreTheSamples(stream, mp4, 2);
    long liveFrames = live.get().stream().filter(e -> e instanceof LiveEvent.Frame).count();
    assertEquals(stored.size(), liveFrames, "every stored frame was published live");
  }

  @Test
  void aTruncatedFragmentedMp4KeepsTheFragmentsBeforeTheCut() throws Exception {
    StreamInfo stream = server.streams.add("cut-fmp4", 24);
    byte[] mp4 = Uploads.resource("fmp4-h264-aac.mp4");
    int cut = Mp4UploadTest.lastIndexOf(mp4, "mfra") - 4 - 100; // inside the last mdat
    byte[] body = java.util.Arrays.copyOf(mp4, cut);
    Uploads.Result r = Uploads.upload(server.uri(), Map.of("x-amzn-stream-name", "cut-fmp4", "Content-Type",
        "video/mp4"), () -> new ByteArrayInputStream(body));
    assertEquals(200, r.status());
    assertEquals(List.of(4006), errorIds(r.acks()), r.acks()::toString);
    JsonObject error = r.ofType("ERROR").get(0);
    List<JsonObject> buffering = r.ofType("BUFFERING");
    assertEquals(2, buffering.size(), r.acks()::toString);
    assertEquals(buffering.get(1).getString("FragmentNumber"), error.getString("FragmentNumber"),
        "the fragment cut short is the one refused");
    assertEquals(1, r.ofType("PERSISTED").size(), r.acks()::toString);
    assertEquals(1, server.stores.records(stream).size());
    // the stored fragment is the first fragment of the whole file, frame for frame
    StreamInfo whole = server.streams.add("whole-fmp4", 24);
    Uploads.Result all = Uploads.upload(server.uri(), Map.of("x-amzn-stream-name", "whole-fmp4"),
        () -> new ByteArrayInputStream(mp4));
    assertEquals(2, all.ofType("PERSISTED").size(), all.acks()::toString);
    List<MemoryArchive.Stored> wholeChunks = server.stored(whole);
    assertEquals(Uploads.frames(wholeChunks.get(0).mkv().getBytes()), storedFrames(stream));
    assertEquals(wholeChunks.get(1).header().producerTimestampMillis() - wholeChunks.get(0).header()
        .producerTimestampMillis(), (error.getLong("FragmentTimecode") - buffering.get(0).getLong("FragmentTimecode")));
  }

  @Test
  void aMalformedFragmentEndsTheConnectionWith4006AndKeepsTheFragmentsAckedBefore() throws Exception {
    server(IngestConfig.DEFAULT.withMp4TargetFragment(Duration.ofSeconds(1)));
    StreamInfo stream = server.streams.add("bad-fmp4", 24);
    byte[] mp4 = Uploads.resource("fmp4-h264-aac.mp4").clone();
    int lastMoof = Mp4UploadTest.lastIndexOf(mp4, "moof") - 4;
    ByteBuffer.wrap(mp4).putInt(lastMoof, 3); // the third moof: a box smaller than its own header
    Uploads.Result r = Uploads.upload(server.uri(), Map.of("x-amzn-stream-name", "bad-fmp4"),
        () -> new ByteArrayInputStream(mp4));
    assertEquals(200, r.status());
    // cut at every key frame (1 s): the first fragment is complete when the second starts; the
    // second is open when the bad moof arrives, and is the one refused
    assertEquals(List.of(4006), errorIds(r.acks()), r.acks()::toString);
    assertEquals("INVALID_MKV_DATA", r.ofType("ERROR").get(0).getString("ErrorCode"));
    assertEquals(r.ofType("BUFFERING").get(1).getString("FragmentNumber"),
        r.ofType("ERROR").get(0).getString("FragmentNumber"));
    assertEquals(1, r.ofType("PERSISTED").size(), r.acks()::toString);
    assertEquals(1, server.stored(stream).size());
    assertEquals(1, server.stores.records(stream).size());
  }

  @Test
  void aProgressiveUploadOverTheSpoolLimitEndsWith4001AndLeavesNoFile() throws Exception {
    server(IngestConfig.DEFAULT.withMp4Spool(4096, null));
    StreamInfo stream = server.streams.add("too-big", 24);
    byte[] mp4 = Uploads.resource("progressive-h264-aac.mp4");
    Uploads.Result r = Uploads.upload(server.uri(), Map.of("x-amzn-stream-name", "too-big", "Content-Type",
        "video/mp4"), () -> new ByteArrayInputStream(mp4));
    assertEquals(200, r.status());
    assertEquals(List.of(4001), errorIds(r.acks()), r.acks()::toString);
    assertEquals("MAX_UPLOAD_SIZE_REACHED", r.ofType("ERROR").get(0).getString("ErrorCode"));
    assertTrue(r.ofType("BUFFERING").isEmpty(), r.acks()::toString);
    assertTrue(server.stored(stream).isEmpty());
    await("the spool file is deleted", () -> spooled() == 0);
    // the same file under the limit is accepted by a fresh connection
    server(IngestConfig.DEFAULT.withMp4Spool(mp4.length, null));
    server.streams.add("just-fits", 24);
    Uploads.Result ok = Uploads.upload(server.uri(), Map.of("x-amzn-stream-name", "just-fits"),
        () -> new ByteArrayInputStream(mp4));
    assertEquals(List.of(), errorIds(ok.acks()), ok.acks()::toString);
    assertEquals(2, ok.ofType("PERSISTED").size());
    assertEquals(0, spooled());
  }

  /**
   * The progressive fixture with a {@code free} box of {@code marker}s after its moov (sample
   * offsets are unchanged): long enough that the fixture's own bytes, in the first segment, are on
   * disk while the body is still coming.
   */
  private static byte[] progressiveWithTrailer(byte[] marker) {
    byte[] mp4 = Uploads.resource("progressive-h264-aac.mp4");
    int size = 5 * SealedSpool.SEGMENT;
    ByteBuffer out = ByteBuffer.allocate(mp4.length + size);
    out.put(mp4).putInt(size).put("free".getBytes(StandardCharsets.US_ASCII));
    while (out.hasRemaining()) {
      out.put(marker, 0, Math.min(marker.length, out.remaining()));
    }
    return out.array();
  }

  private Path spoolFile() throws IOException {
    try (Stream<Path> files = Files.list(spoolDir)) {
      return files.findFirst().orElse(null);
    }
  }

  /** Sends all but the last byte of {@code body}, then waits until {@code segments} sealed segments are on disk. */
  private Path spoolAllButTheLastByte(RawPutMedia p, byte[] body, int segments) throws Exception {
    for (int off = 0; off < body.length - 1; off += 8192) {
      p.send(body, off, Math.min(8192, body.length - 1 - off));
    }
    assertEquals(200, p.status());
    await("the spool file holds " + segments + " segments", () -> {
      try {
        Path f = spoolFile();
        return f != null && Files.size(f) >= (long) segments * SealedSpool.SEALED_SEGMENT;
      } catch (IOException e) {
        return false;
      }
    });
    return spoolFile();
  }

  @Test
  void aProgressiveUploadIsSpooledSealed() throws Exception {
    StreamInfo stream = server.streams.add("sealed", 24);
    byte[] mp4 = Uploads.resource("progressive-h264-aac.mp4");
    byte[] body = progressiveWithTrailer("PLAINTEXT-MARKER".getBytes(StandardCharsets.US_ASCII));
    List<JsonObject> acks;
    try (RawPutMedia p = RawPutMedia.open(server.port(), "sealed")) {
      Path file = spoolAllButTheLastByte(p, body, 5);
      String onDisk = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
      for (String plaintext : List.of("PLAINTEXT", "MARKER", "ftyp", "moov", "mdat", "avc1", "mp4a")) {
        assertEquals(-1, onDisk.indexOf(plaintext), plaintext + " on disk");
      }
      String sample = new String(java.util.Arrays.copyOfRange(mp4, 2000, 2032), StandardCharsets.ISO_8859_1);
      assertEquals(-1, onDisk.indexOf(sample), "a piece of the media on disk");
      p.send(body, body.length - 1, 1);
      p.finish();
      acks = p.rest();
    }
    assertEquals(List.of(), errorIds(acks), acks::toString);
    assertEquals(2, ofType(acks, "PERSISTED").size(), acks::toString);
    assertStoredFramesAreTheSamples(stream, mp4, 2);
    await("the spool file is deleted", () -> spooled() == 0);
  }

  @Test
  void aSpoolAlteredOnDiskFailsTheUploadWith5000AndStoresNothing() throws Exception {
    StreamInfo stream = server.streams.add("tampered", 24);
    byte[] body = progressiveWithTrailer("x".getBytes(StandardCharsets.US_ASCII));
    List<JsonObject> acks;
    try (RawPutMedia p = RawPutMedia.open(server.port(), "tampered")) {
      Path file = spoolAllButTheLastByte(p, body, 1);
      try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
        f.seek(4000); // inside the mdat, in the first segment
        int b = f.read();
        f.seek(4000);
        f.write(b ^ 0x40);
      }
      p.send(body, body.length - 1, 1);
      p.finish();
      acks = p.rest();
    }
    assertEquals(List.of(5000), errorIds(acks), acks::toString);
    assertEquals("INTERNAL_ERROR", ofType(acks, "ERROR").get(0).getString("ErrorCode"));
    assertTrue(ofType(acks, "BUFFERING").isEmpty(), acks::toString);
    assertTrue(server.stored(stream).isEmpty());
    assertTrue(server.stores.records(stream).isEmpty());
    await("the spool file is deleted", () -> spooled() == 0);
  }

  @Test
  void aClientGoneMidUploadLeavesNoSpoolFile() throws Exception {
    StreamInfo stream = server.streams.add("gone", 24);
    byte[] mp4 = Uploads.resource("progressive-h264-aac.mp4");
    try (RawPutMedia p = RawPutMedia.open(server.port(), "gone")) {
      p.send(mp4, 0, 6000);
      assertEquals(200, p.status());
      await("the upload is being spooled", () -> spooled() == 1);
    }
    await("the connection is over", () -> server.api.activeConnections() == 0);
    await("the spool file is deleted", () -> spooled() == 0);
    assertTrue(server.stored(stream).isEmpty());
  }
}
