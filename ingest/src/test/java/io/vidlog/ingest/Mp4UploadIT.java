package io.vidlog.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.fragmentstore.FragmentRecord;
import io.vidlog.fragmentstore.chunk.ChunkHeader;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.media.mp4.Mp4Demux;
import io.vidlog.media.mp4.Mp4Handler;
import io.vidlog.media.mp4.Mp4Limits;
import io.vidlog.media.mp4.Mp4Sample;
import io.vidlog.media.mp4.Mp4Track;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * MP4 uploads on /putMedia (fragmented and progressive, H.264+AAC and H.265) become the same
 * self-contained MKV chunks with the same acks; the stored frames equal the MP4's samples.
 */
class Mp4UploadIT {
  private IngestServer server;
  @TempDir
  Path tmp;

  @BeforeEach
  void start() throws Exception {
    server = new IngestServer(IngestConfig.DEFAULT, tmp.resolve("data"));
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
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

  @ParameterizedTest
  @CsvSource({
      "fmp4-h264-aac.mp4, video/mp4, 2, V_MPEG4/ISO/AVC",
      "progressive-h264-aac.mp4, , 2, V_MPEG4/ISO/AVC",
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
    List<Uploads.Frame> stored = new ArrayList<>();
    for (MemoryArchive.Stored c : chunks) {
      List<Uploads.Frame> frames = Uploads.frames(c.mkv().getBytes());
      assertTrue(frames.get(0).key(), "each fragment starts on a key frame");
      stored.addAll(frames);
      ChunkHeader h = c.header();
      assertEquals(tracks, h.tracks().size());
      assertEquals(videoCodec, h.tracks().get(0).codecId());
      assertTrue(h.durationMillis() <= 10_000);
    }
    List<Uploads.Frame> expected = samples(mp4);
    for (int t = 1; t <= tracks; t++) {
      assertEquals(byTrack(expected, t), byTrack(stored, t), "track " + t);
    }
    List<FragmentRecord> index = server.index.of(stream);
    assertEquals(numbers, index.stream().map(x -> x.number().value()).toList());
  }
}
