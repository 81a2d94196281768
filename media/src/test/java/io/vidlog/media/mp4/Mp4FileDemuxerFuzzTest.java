package io.vidlog.media.mp4;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Coverage-guided fuzzing of the progressive MP4 file demuxer with Jazzer:
 * {@link Mp4FuzzOracle#checkProgressive}'s properties on any bytes, written to one temporary file
 * that every input overwrites. The plain test run replays the saved inputs in
 * {@code src/test/resources/io/vidlog/media/mp4/Mp4FileDemuxerFuzzTestInputs/fuzz/};
 * {@code mvn verify} then fuzzes it for 30 s (FUZZING.md in {@code io/vidlog/media}).
 */
class Mp4FileDemuxerFuzzTest {
  private static Path file;

  @BeforeAll
  static void createFile() throws IOException {
    file = Files.createTempFile("vidlog-fuzz-", ".mp4");
  }

  @AfterAll
  static void deleteFile() throws IOException {
    Files.deleteIfExists(file);
  }

  @FuzzTest(maxDuration = "30s")
  void fuzz(byte[] input) {
    Mp4FuzzOracle.checkProgressive(input, file);
  }
}
