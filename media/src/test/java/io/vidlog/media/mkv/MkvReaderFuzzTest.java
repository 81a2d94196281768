package io.vidlog.media.mkv;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of the EBML/MKV reader with Jazzer: {@link FuzzOracle}'s properties on
 * any bytes. The plain test run replays the saved inputs in
 * {@code src/test/resources/io/vidlog/media/mkv/MkvReaderFuzzTestInputs/fuzz/} (seeds and every
 * finding so far); {@code mvn verify} then fuzzes it for 30 s. FUZZING.md in
 * {@code io/vidlog/media} says how to run it longer and keep a finding.
 */
class MkvReaderFuzzTest {

  @FuzzTest(maxDuration = "30s")
  void fuzz(byte[] input) {
    FuzzOracle.check(input, input.length);
  }
}
