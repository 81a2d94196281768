package io.vidlog.producer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.media.mkv.TrackEntry;
import io.vidlog.producer.Checkpoint;
import io.vidlog.producer.CheckpointStore;
import io.vidlog.producer.ReadFrame;
import io.vidlog.producer.source.FileSources;
import io.vidlog.producer.source.Recorder;
import io.vidlog.producer.source.SourceFrame;
import io.vidlog.producer.source.TestMedia;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file a checkpointed tail writes and its checkpoint, kept together: what was written after the
 * last checkpoint is cut away on restart and written again, so each frame is in the file once.
 */
class TailOutputTest {
  private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");
  private static Recorder camera;
  private static List<ReadFrame> frames;

  @BeforeAll
  static void frames() {
    camera = TestMedia.cameraFrames(64, 48, 20, 10);
    frames = new ArrayList<>();
    TrackEntry track = camera.tracks().get(0);
    for (int i = 0; i < 20; i++) {
      SourceFrame f = camera.frames.get(i);
      byte[] data = new byte[f.data().remaining()];
      f.data().duplicate().get(data);
      String fragment = i < 10 ? "1000" : "2000";
      Instant start = T0.plusMillis(i < 10 ? 0 : 400);
      frames.add(new ReadFrame(fragment, i % 10, track, T0.plusMillis(40L * i), start, start, f.keyFrame(), data,
          Map.of()));
    }
  }

  @Test
  void framesWrittenAfterTheLastCheckpointAreCutAwayAndWrittenAgain(@TempDir Path dir) throws Exception {
    Path cp = dir.resolve("cp");
    Path out = dir.resolve("out.mkv");
    try (TailOutput o = TailOutput.open(cp, out, "t")) {
      assertEquals(Optional.empty(), o.load());
      Tail t = new Tail(o);
      t.frames(0, 13);
      t.writer.frame(frames.get(13)); // written, never checkpointed: the process dies here
      t.writer.frame(frames.get(14));
    }
    try (TailOutput o = TailOutput.open(cp, out, "t")) {
      // stopped again before the next frame arrived: the file holds the checkpointed frames only
      assertEquals(Optional.of(new Checkpoint("2000", 2, false)), o.load());
    }
    assertFileHolds(out, frames.subList(0, 13));
    try (TailOutput o = TailOutput.open(cp, out, "t")) {
      new Tail(o).frames(13, 20);
    }
    assertFileHoldsTheFramesOnce(out);
  }

  @Test
  void aRestartAfterACompleteFragmentStartsTheNextCluster(@TempDir Path dir) throws Exception {
    Path cp = dir.resolve("cp");
    Path out = dir.resolve("out.mkv");
    try (TailOutput o = TailOutput.open(cp, out, "t")) {
      new Tail(o).frames(0, 10);
    }
    try (TailOutput o = TailOutput.open(cp, out, "t")) {
      assertEquals(Optional.of(new Checkpoint("1000", 9, true)), o.load());
      new Tail(o).frames(10, 20);
    }
    assertFileHoldsTheFramesOnce(out);
  }

  @Test
  void eachFrameIsWrittenAndCheckpointedAsItArrives(@TempDir Path dir) throws Exception {
    Path cp = dir.resolve("cp");
    Path out = dir.resolve("out.mkv");
    try (TailOutput o = TailOutput.open(cp, out, "t")) {
      Tail t = new Tail(o);
      t.frames(0, 5);
      assertEquals(Optional.of(new Checkpoint("1000", 4, false)), o.load());
    }
    assertFileHolds(out, frames.subList(0, 5));
    try (TailOutput o = TailOutput.open(cp, out, "t")) {
      new Tail(o).frames(5, 20);
    }
    assertFileHoldsTheFramesOnce(out);
  }

  /** What the tail command puts together: the writer of the output, and the store that saves what it wrote. */
  private static final class Tail {
    final MkvTailWriter writer;
    final CheckpointStore store;

    Tail(TailOutput o) {
      writer = o.writer();
      store = writer.checkpoints(o);
    }

    /**
     * Frames {@code from} to {@code to} (exclusive) as the reader hands them over, checkpointed; each
     * fragment announced first, also the one it resumes inside.
     */
    void frames(int from, int to) throws IOException {
      for (int i = from; i < to; i++) {
        ReadFrame f = frames.get(i);
        if (i == from || f.frameIndex() == 0) {
          writer.fragmentStart(List.of(f.track()));
        }
        writer.frame(f);
        store.save(f.checkpoint());
        if (i == 9 || i == 19) {
          writer.fragmentEnd(f.fragmentNumber());
          store.save(new Checkpoint(f.fragmentNumber(), f.frameIndex(), true));
        }
      }
    }
  }

  @Test
  void anOutputThatDoesNotGoWithTheCheckpointIsRefused(@TempDir Path dir) throws Exception {
    Path cp = dir.resolve("cp");
    Path out = dir.resolve("out.mkv");
    Files.writeString(dir.resolve("other.mkv"), "someone's file");
    IllegalArgumentException exists = assertThrows(IllegalArgumentException.class,
        () -> TailOutput.open(cp, dir.resolve("other.mkv"), "t"));
    assertTrue(exists.getMessage().contains("exists, but the checkpoint"), exists.getMessage());

    try (TailOutput o = TailOutput.open(cp, out, "t")) {
      new Tail(o).frames(0, 10);
    }
    IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
        () -> TailOutput.open(cp, dir.resolve("x.mkv"), "t"));
    assertTrue(other.getMessage().contains("goes with the output"), other.getMessage());

    Files.write(out, new byte[10]);
    IllegalArgumentException shorter = assertThrows(IllegalArgumentException.class, () -> TailOutput.open(cp, out, "t"));
    assertTrue(shorter.getMessage().contains("fewer than the"), shorter.getMessage());

    Files.writeString(cp, "1000 3 partial\n");
    IOException notOurs = assertThrows(IOException.class, () -> TailOutput.open(cp, out, "t"));
    assertTrue(notOurs.getMessage().contains("is not one 'vidlog tail --out' wrote"), notOurs.getMessage());
  }

  private static void assertFileHoldsTheFramesOnce(Path out) throws Exception {
    assertFileHolds(out, frames);
  }

  private static void assertFileHolds(Path out, List<ReadFrame> expectedFrames) throws Exception {
    Recorder r = new Recorder();
    FileSources.open(out, null).run(r);
    List<String> got = new ArrayList<>();
    r.frames.forEach(f -> got.add(f.ptsNanos() / 1_000_000 + " " + f.keyFrame() + " " + Recorder.crc(f.data())));
    List<String> expected = new ArrayList<>();
    expectedFrames.forEach(f -> expected.add(f.timestamp().toEpochMilli() + " " + f.keyFrame() + " "
        + Recorder.crc(java.nio.ByteBuffer.wrap(f.data()))));
    assertEquals(expected, got);
  }
}
