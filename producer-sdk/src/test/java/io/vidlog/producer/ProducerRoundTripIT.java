package io.vidlog.producer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.media.nal.NalUnits;
import io.vidlog.producer.testing.Recorder;
import io.vidlog.producer.testing.SyntheticH264;
import io.vidlog.producer.testing.TestVidlog;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SDK against a real vidlog over TLS: 4 s of H.264 + AAC frames with fragment metadata put through a
 * {@link StreamProducer}, then read back with ListFragments, GetMediaForFragmentList and a tailing
 * {@link StreamReader}: every frame comes back once, with its bytes (as length-prefixed NAL units), track,
 * key-frame flag and timestamp; fragments start at the key frames; metadata lands on the fragments
 * KVS's persistent / non-persistent semantics put it on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProducerRoundTripIT {
  static final String STREAM = "sdk-roundtrip";
  static final int FPS = 25;
  static final int GOP = 25;
  static final int FRAMES = 100;

  TestVidlog vidlog;
  VidlogClient client;
  Instant base;
  /** What was put, in order: label → frame. */
  final Map<String, Sent> sent = new LinkedHashMap<>();
  final Recorder recorder = new Recorder();
  ProducerStats stats;

  record Sent(int track, Instant pts, boolean key, byte[] stored) {}

  @BeforeAll
  void produce(@TempDir Path dataDir) throws Exception {
    vidlog = TestVidlog.start(dataDir);
    client = vidlog.client();
    base = Instant.ofEpochMilli(System.currentTimeMillis() - 60_000);
    ProducerConfig config = ProducerConfig.builder(STREAM)
        .createIfMissing(StreamSpec.named(STREAM).withMediaType("video/h264,audio/aac"))
        .track(TrackConfig.h264(1)).track(TrackConfig.aac(2, 48_000, 2))
        .listener(recorder).build();
    try (StreamProducer producer = client.producer(config)) {
      for (int i = 0; i < FRAMES; i++) {
        if (i == 0) {
          producer.putFragmentMetadata("n1", "first", false);
          producer.putFragmentMetadata("p", "1", true);
        } else if (i == 2 * GOP) {
          producer.putFragmentMetadata("n2", "second", false);
        } else if (i == 3 * GOP) {
          producer.putFragmentMetadata("p", "", true);
        }
        Instant pts = base.plusMillis(i * 1000L / FPS);
        boolean key = i % GOP == 0;
        byte[] video = SyntheticH264.frame(key, "v" + i, 600 + i);
        producer.putFrame(1, pts, pts, key, video);
        byte[] avcc = avcc(NalUnits.toAvcc(ByteBuffer.wrap(video)));
        sent.put("v" + i, new Sent(1, pts, key, avcc));
        byte[] audio = ("#@a" + i + "@#").getBytes(StandardCharsets.US_ASCII);
        producer.putFrame(2, pts.plusMillis(5), pts.plusMillis(5), false, audio);
        sent.put("a" + i, new Sent(2, pts.plusMillis(5), true, audio));
      }
      assertTrue(producer.flush(Duration.ofSeconds(30)), "every fragment acknowledged");
      stats = producer.stats();
    }
  }

  static byte[] avcc(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }

  @AfterAll
  void stop() {
    if (client != null) {
      client.close();
    }
    if (vidlog != null) {
      vidlog.close();
    }
  }

  /**
   * Every fragment was acknowledged PERSISTED while the one PutMedia connection was still open (flush
   * returned before close): the acks arrived while the upload went on.
   */
  @Test
  void everyFragmentIsPersistedOnOneConnectionWithoutErrors() {
    assertEquals(List.of(), recorder.errors);
    assertEquals(List.of(), recorder.drops);
    assertEquals(FRAMES / GOP, stats.fragmentsPersisted(), stats::toString);
    assertEquals(1, stats.connections(), stats::toString);
    assertEquals(2 * FRAMES, stats.framesAccepted());
    for (AckType t : List.of(AckType.BUFFERING, AckType.RECEIVED, AckType.PERSISTED)) {
      assertEquals(FRAMES / GOP, recorder.acks.stream().filter(a -> a.type() == t).count(), t + " in " + recorder.acks);
    }
  }

  @Test
  void fragmentsStartAtKeyFramesWithTheirProducerTimestamps() {
    List<FragmentInfo> listed = client.listFragments(STREAM, TimestampType.PRODUCER_TIMESTAMP, base.minusSeconds(1),
        base.plusSeconds(60));
    List<Instant> starts = listed.stream().map(FragmentInfo::producerTimestamp).toList();
    List<Instant> expected = new ArrayList<>();
    for (int i = 0; i < FRAMES; i += GOP) {
      expected.add(base.plusMillis(i * 1000L / FPS));
    }
    assertEquals(expected, starts);
  }

  @Test
  void fragmentListGivesBackEveryFrameAndTheMetadataWhereKvsPutsIt() throws Exception {
    List<FragmentInfo> listed = client.listFragments(STREAM, TimestampType.PRODUCER_TIMESTAMP, base.minusSeconds(1),
        base.plusSeconds(60));
    List<ReadFragment> read = new ArrayList<>();
    client.getMediaForFragmentList(STREAM, listed.stream().map(FragmentInfo::fragmentNumber).toList(), read::add);
    List<ReadFrame> frames = new ArrayList<>();
    read.forEach(f -> frames.addAll(f.frames()));
    assertFramesAreWhatWasSent(frames);
    assertEquals(List.of(Map.of("p", "1", "n1", "first"), Map.of("p", "1"), Map.of("p", "1", "n2", "second"), Map.of()),
        read.stream().map(ReadFragment::metadata).toList());
    for (ReadFragment f : read) {
      assertTrue(f.frames().get(0).keyFrame(), "fragment " + f.fragmentNumber() + " starts with a key frame");
      assertEquals(SyntheticH264.WIDTH, f.tracks().get(0).pixelWidth());
      assertEquals(SyntheticH264.HEIGHT, f.tracks().get(0).pixelHeight());
    }
  }

  @Test
  void aTailingReaderFromEarliestGetsEveryFrameOnce() throws Exception {
    List<ReadFrame> frames = new CopyOnWriteArrayList<>();
    StreamReader reader = client.reader(ReaderConfig.of(STREAM).withStart(StartPosition.earliest()));
    reader.run(frame -> {
      frames.add(frame);
      if (frames.size() == 2 * FRAMES) {
        reader.stop();
      }
    });
    assertFramesAreWhatWasSent(frames);
    ReadFrame last = frames.get(frames.size() - 1);
    assertEquals(last.checkpoint(), reader.checkpoint().orElseThrow());
  }

  @Test
  void aRangeReaderThatFailsResumesAfterItsLastCheckpoint() throws Exception {
    CheckpointStore checkpoints = CheckpointStore.memory();
    StreamReader reader = client.reader(ReaderConfig.of(STREAM).withCheckpoints(checkpoints));
    List<ReadFrame> processed = new ArrayList<>();
    IllegalStateException crash = new IllegalStateException("the application failed");
    Exception thrown = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
        () -> reader.readRange(TimestampType.PRODUCER_TIMESTAMP, base, base.plusSeconds(60), f -> {
          if (processed.size() == 37) {
            throw crash;
          }
          processed.add(f);
        }));
    assertEquals(crash, thrown);
    assertEquals(processed.get(36).checkpoint(), checkpoints.load().orElseThrow());
    client.reader(ReaderConfig.of(STREAM).withCheckpoints(checkpoints))
        .readRange(TimestampType.PRODUCER_TIMESTAMP, base, base.plusSeconds(60), processed::add);
    assertFramesAreWhatWasSent(processed);
  }

  void assertFramesAreWhatWasSent(List<ReadFrame> frames) {
    List<String> labels = frames.stream().map(f -> SyntheticH264.label(f.data())).toList();
    assertEquals(List.copyOf(sent.keySet()), labels);
    for (ReadFrame f : frames) {
      Sent s = sent.get(SyntheticH264.label(f.data()));
      assertEquals(s.track(), f.trackNumber());
      assertEquals(s.pts(), f.timestamp());
      assertEquals(s.key(), f.keyFrame(), SyntheticH264.label(f.data()));
      assertArrayEquals(s.stored(), f.data());
    }
  }
}
