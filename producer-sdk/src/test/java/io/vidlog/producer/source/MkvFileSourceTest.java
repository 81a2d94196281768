package io.vidlog.producer.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.media.MediaFormatException;
import io.vidlog.media.mkv.TrackEntry;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MkvFileSourceTest {
  private static Recorder camera;

  @BeforeAll
  static void frames() {
    camera = TestMedia.cameraFrames(64, 48, 30, 10);
  }

  @Test
  void clustersThatSplitGopsGiveEveryFrameWithItsKeyFlagAtEveryReadSize(@TempDir Path dir) throws Exception {
    // Clusters of 7 frames: key frames 0, 10, 20 fall mid-Cluster, and Clusters start on P-frames
    Path file = TestMedia.write(dir.resolve("cam.mkv"), TestMedia.mkv(camera.tracks(), camera.frames, 7, true));
    for (int readSize : new int[] {1, 2, 3, 7, 100, 4096, 1 << 16}) {
      Recorder r = new Recorder();
      MkvFileSource source = new MkvFileSource(file, readSize);
      source.run(r);
      assertEquals(camera.dump(), r.dump(), "read size " + readSize);
      assertEquals(Recorder.describe(camera.tracks()), Recorder.describe(r.tracks()));
      assertEquals(1.0, source.progress());
    }
  }

  @Test
  void idrFramesAreKeyFramesEvenWithoutTheBlockFlag(@TempDir Path dir) throws Exception {
    Path file = TestMedia.write(dir.resolve("noflags.mkv"), TestMedia.mkv(camera.tracks(), camera.frames, 7, false));
    Recorder r = new Recorder();
    new MkvFileSource(file).run(r);
    assertEquals(camera.dump(), r.dump());
  }

  @Test
  void segmentsWithTheSameTracksFollowOn(@TempDir Path dir) throws Exception {
    ByteArrayOutputStream two = new ByteArrayOutputStream();
    two.writeBytes(TestMedia.mkv(camera.tracks(), camera.frames.subList(0, 10), 5, true));
    two.writeBytes(TestMedia.mkv(camera.tracks(), camera.frames.subList(10, 30), 5, true));
    Recorder r = new Recorder();
    new MkvFileSource(TestMedia.write(dir.resolve("two.mkv"), two.toByteArray())).run(r);
    assertEquals(camera.dump(), r.dump());
  }

  @Test
  void segmentsWithOtherTracksAreRefused(@TempDir Path dir) throws Exception {
    Recorder other = TestMedia.cameraFrames(32, 32, 5, 5);
    ByteArrayOutputStream two = new ByteArrayOutputStream();
    two.writeBytes(TestMedia.mkv(camera.tracks(), camera.frames.subList(0, 10), 5, true));
    int secondAt = two.size();
    two.writeBytes(TestMedia.mkv(other.tracks(), other.frames, 5, true));
    Recorder r = new Recorder();
    MkvFileSource source = new MkvFileSource(TestMedia.write(dir.resolve("mixed.mkv"), two.toByteArray()));
    MediaFormatException e = assertThrows(MediaFormatException.class, () -> source.run(r));
    assertEquals(MediaFormatException.Kind.UNSUPPORTED, e.kind());
    assertTrue(e.offset() > secondAt, "offset " + e.offset() + " in the second segment at " + secondAt);
    assertTrue(r.frames.size() <= 10, "no frame of the second segment went out");
  }

  @Test
  void aBlockOfAnUndeclaredTrackIsRefused(@TempDir Path dir) throws Exception {
    SourceFrame f = camera.frames.get(0);
    List<SourceFrame> frames = List.of(new SourceFrame(2, f.ptsNanos(), f.dtsNanos(), true, f.data()));
    Path file = TestMedia.write(dir.resolve("t2.mkv"), TestMedia.mkv(camera.tracks(), frames, 5, true));
    MediaFormatException e = assertThrows(MediaFormatException.class, () -> new MkvFileSource(file).run(new Recorder()));
    assertTrue(e.getMessage().contains("track 2"), e.getMessage());
  }

  @Test
  void aSinkExceptionComesOutUnchanged(@TempDir Path dir) throws Exception {
    Path file = TestMedia.write(dir.resolve("cam.mkv"), TestMedia.mkv(camera.tracks(), camera.frames, 7, true));
    java.io.IOException thrown = new java.io.IOException("stream closed");
    FrameSink failing = new FrameSink() {
      @Override
      public void onTracks(List<TrackEntry> tracks) {}

      @Override
      public void onFrame(SourceFrame frame) throws java.io.IOException {
        throw thrown;
      }
    };
    assertEquals(thrown, assertThrows(java.io.IOException.class, () -> new MkvFileSource(file).run(failing)));
  }

  @Test
  void twoByteNalLengthsAreHandedOutAsFourByteOnes(@TempDir Path dir) throws Exception {
    // the camera's frames re-framed with 2-byte NAL lengths, and a record that says so
    io.vidlog.media.nal.AvcConfig four = io.vidlog.media.nal.AvcConfig.parse(camera.tracks().get(0).codecPrivate());
    io.vidlog.media.nal.AvcConfig two = new io.vidlog.media.nal.AvcConfig(four.profileIdc(),
        four.profileCompatibility(), four.levelIdc(), 2, four.sps(), four.pps(), four.chromaFormat(),
        four.bitDepthLuma(), four.bitDepthChroma(), four.spsExt());
    TrackEntry t = camera.tracks().get(0);
    TrackEntry twoTrack = new TrackEntry(t.trackNumber(), t.trackUid(), t.trackType(), t.codecId(), t.name(),
        two.toBytes(), t.defaultDurationNs(), t.pixelWidth(), t.pixelHeight(), t.samplingFrequency(), t.channels(),
        t.bitDepth());
    java.util.List<SourceFrame> frames = new java.util.ArrayList<>();
    for (SourceFrame f : camera.frames) {
      java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
      for (java.nio.ByteBuffer nal : io.vidlog.media.nal.NalUnits.splitAvcc(f.data(), 4)) {
        b.write(nal.remaining() >> 8);
        b.write(nal.remaining());
        byte[] n = new byte[nal.remaining()];
        nal.duplicate().get(n);
        b.writeBytes(n);
      }
      frames.add(new SourceFrame(f.track(), f.ptsNanos(), f.dtsNanos(), f.keyFrame(),
          java.nio.ByteBuffer.wrap(b.toByteArray())));
    }
    Path file = TestMedia.write(dir.resolve("two.mkv"), TestMedia.mkv(List.of(twoTrack), frames, 7, false));
    Recorder r = new Recorder();
    new MkvFileSource(file).run(r);
    assertEquals(camera.dump(), r.dump(), "4-byte frames, key frames found from their IDR");
    assertEquals(Recorder.describe(camera.tracks()), Recorder.describe(r.tracks()), "the record says 4 bytes");
  }
}
