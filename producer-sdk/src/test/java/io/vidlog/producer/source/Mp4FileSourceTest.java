package io.vidlog.producer.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vidlog.media.mkv.TrackEntry;
import io.vidlog.media.nal.NalUnits;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Mp4FileSourceTest {

  @Test
  void aProgressiveMp4GivesEveryFrameWithItsTimeAndKeyFlag(@TempDir Path dir) throws Exception {
    Recorder camera = TestMedia.cameraFrames(64, 48, 30, 10);
    Path file = dir.resolve("cam.mp4");
    TestMedia.mp4(file, camera.tracks().get(0), camera.frames);
    Recorder r = new Recorder();
    Mp4FileSource source = new Mp4FileSource(file);
    source.run(r);

    TrackEntry t = r.tracks().get(0);
    assertEquals(1, t.trackNumber());
    assertEquals(TrackEntry.TYPE_VIDEO, t.trackType());
    assertEquals(64, t.pixelWidth());
    assertEquals(48, t.pixelHeight());
    // jcodec's muxer keeps the SPS/PPS in band and writes the avcC from them: the same record
    assertArrayEquals(camera.tracks().get(0).codecPrivate(), t.codecPrivate());
    // ... and moves them out of the samples: the frames are the camera's without SPS and PPS
    Recorder expected = new Recorder();
    expected.onTracks(camera.tracks());
    for (SourceFrame f : camera.frames) {
      List<ByteBuffer> nals = new ArrayList<>(NalUnits.splitAvcc(f.data(), 4));
      nals.removeIf(n -> NalUnits.h264Type(n) == NalUnits.H264_SPS || NalUnits.h264Type(n) == NalUnits.H264_PPS);
      expected.onFrame(new SourceFrame(f.track(), f.ptsNanos(), f.dtsNanos(), f.keyFrame(), NalUnits.joinAvcc(nals)));
    }
    assertEquals(expected.dump(), r.dump());
    assertEquals(1.0, source.progress());
  }
}
