package io.vidlog.producer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.media.audio.AudioSpecificConfig;
import io.vidlog.media.mkv.TrackEntry;
import io.vidlog.producer.Checkpoint;
import io.vidlog.producer.ReadFrame;
import io.vidlog.producer.source.FileSources;
import io.vidlog.producer.source.Recorder;
import io.vidlog.producer.source.SourceFrame;
import io.vidlog.producer.source.TestMedia;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MkvTailWriterTest {
  private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");

  @Test
  void theHeaderNamesEveryTrackTheFragmentAnnouncesAndFramesAreWrittenAsTheyArrive(@TempDir Path dir)
      throws Exception {
    Recorder camera = TestMedia.cameraFrames(64, 48, 20, 10);
    TrackEntry video = camera.tracks().get(0);
    TrackEntry audio = new TrackEntry(2, 2, TrackEntry.TYPE_AUDIO, "A_AAC", null,
        AudioSpecificConfig.aacLc(48_000, 2).toBytes(), 0, 0, 0, 48_000, 2, 0);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    MkvTailWriter w = new MkvTailWriter(new MkvOutput(bytes, "t"), List.of(), null);
    int index = 0;
    for (int i = 0; i < 20; i++) {
      String fragment = i < 10 ? "1000" : "2000";
      Instant start = T0.plusMillis(i < 10 ? 0 : 400);
      if (i % 10 == 0) {
        index = 0;
        w.fragmentStart(List.of(video, audio)); // the audio track's first frame comes after the video's
      }
      SourceFrame f = camera.frames.get(i);
      byte[] data = new byte[f.data().remaining()];
      f.data().duplicate().get(data);
      int before = bytes.size();
      w.frame(new ReadFrame(fragment, index++, video, T0.plusMillis(40L * i), start, start, f.keyFrame(), data,
          Map.of()));
      assertTrue(bytes.size() >= before + data.length, "frame " + i + " written at once");
      assertEquals(new Checkpoint(fragment, index - 1, false), w.written());
      w.frame(new ReadFrame(fragment, index++, audio, T0.plusMillis(40L * i + 5), start, start, true,
          new byte[] {(byte) i}, Map.of()));
      if (i == 9) {
        w.fragmentEnd("1000");
        assertEquals(new Checkpoint("1000", 19, true), w.written());
      }
    }
    Path file = TestMedia.write(dir.resolve("tail.mkv"), bytes.toByteArray());
    Recorder r = new Recorder();
    FileSources.open(file, null).run(r);
    assertEquals(List.of(1, 2), r.tracks().stream().map(TrackEntry::trackNumber).toList(), "one header, both tracks");
    assertEquals(40, r.frames.size());
  }
}
