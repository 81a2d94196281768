package io.vidlog.media.mkv;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.BeforeAll;

/**
 * Coverage-guided fuzzing with Jazzer. Under plain {@code mvn test} (regression mode) it replays the
 * inputs in {@code src/test/resources/io/vidlog/media/mkv/MkvReaderFuzzTestInputs/fuzz/}: the seeds
 * and every crash found so far. To fuzz for real:
 * {@code JAZZER_FUZZ=1 mvn -o -pl media test -Dtest=MkvReaderFuzzTest}; new crashes land in that
 * directory and become regression inputs once committed.
 */
class MkvReaderFuzzTest {

  /**
   * In regression mode (plain {@code mvn test}) Jazzer's instrumentation only costs time (about 25 s
   * of agent start-up on this machine) since the inputs are replayed, not explored: turn it off.
   * When fuzzing ({@code JAZZER_FUZZ} set) it stays on, as coverage guidance needs it.
   */
  @BeforeAll
  static void noInstrumentationWhenOnlyReplaying() {
    if (System.getenv("JAZZER_FUZZ") == null) {
      System.setProperty("jazzer.hooks", "false");
    }
  }

  @FuzzTest(maxDuration = "60s")
  void fuzz(byte[] input) {
    FuzzOracle.check(input, input.length);
  }
}
