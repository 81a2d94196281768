package io.vidlog.producer.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.media.MediaFormatException;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSourcesTest {

  @Test
  void recognisesEachKindByItsContentNotItsName(@TempDir Path dir) throws Exception {
    Recorder camera = TestMedia.cameraFrames(32, 32, 3, 3);
    Path mkv = TestMedia.write(dir.resolve("a.bin"), TestMedia.mkv(camera.tracks(), camera.frames, 3, true));
    Path h264 = TestMedia.write(dir.resolve("b.mkv"), TestMedia.annexB(camera.frames));
    Path mp4 = dir.resolve("c.h264");
    TestMedia.mp4(mp4, camera.tracks().get(0), camera.frames);
    assertEquals(FileSources.Kind.MKV, FileSources.detect(mkv));
    assertEquals(FileSources.Kind.H264, FileSources.detect(h264));
    assertEquals(FileSources.Kind.MP4, FileSources.detect(mp4));
    assertInstanceOf(MkvFileSource.class, FileSources.open(mkv, null));
    assertInstanceOf(H264FileSource.class, FileSources.open(h264, null));
    assertInstanceOf(Mp4FileSource.class, FileSources.open(mp4, null));
  }

  @Test
  void refusesOtherFilesShowingTheirFirstBytes(@TempDir Path dir) throws Exception {
    Path text = TestMedia.write(dir.resolve("x.txt"), "hello".getBytes());
    MediaFormatException e = assertThrows(MediaFormatException.class, () -> FileSources.detect(text));
    assertEquals(MediaFormatException.Kind.UNSUPPORTED, e.kind());
    assertTrue(e.getMessage().contains("68 65 6c 6c 6f"), e.getMessage());
    Path empty = TestMedia.write(dir.resolve("empty"), new byte[0]);
    assertTrue(assertThrows(MediaFormatException.class, () -> FileSources.detect(empty)).getMessage()
        .contains("empty file"));
  }

  @Test
  void refusesRawH265ByName(@TempDir Path dir) throws Exception {
    Path hevc = TestMedia.write(dir.resolve("x.h265"), HexFormat.of().parseHex("0000000140010c01ffff"));
    MediaFormatException e = assertThrows(MediaFormatException.class, () -> FileSources.detect(hevc));
    assertTrue(e.getMessage().contains("raw H.265"), e.getMessage());
  }
}
