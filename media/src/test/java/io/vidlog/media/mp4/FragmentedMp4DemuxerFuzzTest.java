package io.vidlog.media.mp4;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of the streaming (fragmented MP4) demuxer with Jazzer:
 * {@link Mp4FuzzOracle#checkFragmented}'s properties on any bytes. The plain test run replays the
 * saved inputs in
 * {@code src/test/resources/io/vidlog/media/mp4/FragmentedMp4DemuxerFuzzTestInputs/fuzz/};
 * {@code mvn verify} then fuzzes it for 30 s (FUZZING.md in {@code io/vidlog/media}).
 */
class FragmentedMp4DemuxerFuzzTest {

  @FuzzTest(maxDuration = "30s")
  void fuzz(byte[] input) {
    Mp4FuzzOracle.checkFragmented(input);
  }
}
