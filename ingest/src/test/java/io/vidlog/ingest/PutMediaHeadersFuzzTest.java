package io.vidlog.ingest;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of the PutMedia request headers with Jazzer: {@link PutMediaHeadersOracle}'s
 * properties on any header text. The plain test run replays the saved inputs in
 * {@code src/test/resources/io/vidlog/ingest/PutMediaHeadersFuzzTestInputs/fuzz/} (seeds and every
 * finding so far); {@code mvn verify} then fuzzes it for 30 s. FUZZING.md in
 * {@code media/src/test/java/io/vidlog/media} says how to run it longer and keep a finding.
 */
class PutMediaHeadersFuzzTest {

  // header names are looked up by hash, which the fuzzer cannot learn from comparisons: give it them
  @FuzzTest(maxDuration = "30s")
  @DictionaryEntries({
      "x-amzn-stream-name: ", "x-amzn-stream-arn: ", "x-amzn-fragment-timecode-type: ",
      "x-amzn-producer-start-timestamp: ", "x-amzn-fragment-acknowledgment-required: ", "ABSOLUTE", "RELATIVE",
      "arn:aws:kinesisvideo:us-west-2:123456789012:stream/", "#now ", "#cluster ", "T00:00:00.000Z", "e-9",
      "9223372036854"})
  void fuzz(byte[] input) {
    PutMediaHeadersOracle.check(input);
  }
}
