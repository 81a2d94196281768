package io.vidlog.kvs.sigv4;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of SigV4 header parsing and verification with Jazzer: {@link SigV4Oracle}'s
 * properties on any request head, as sent and as AWS's own signer signs it. The plain test run
 * replays the saved inputs in {@code src/test/resources/io/vidlog/kvs/sigv4/SigV4FuzzTestInputs/fuzz/}
 * (seeds and every finding so far); {@code mvn verify} then fuzzes it for 30 s. FUZZING.md in
 * {@code media/src/test/java/io/vidlog/media} says how to run it longer and keep a finding.
 */
class SigV4FuzzTest {

  // header and parameter names are looked up by hash, which the fuzzer cannot learn from comparisons: give it them
  @FuzzTest(maxDuration = "30s")
  @DictionaryEntries({
      "authorization: AWS4-HMAC-SHA256 Credential=", "x-amz-date: ", "x-amz-content-sha256: ", "x-amzn-stream-name: ",
      "content-type: ", "host: ", ", SignedHeaders=", ", Signature=", "/aws4_request", "/kinesisvideo/",
      "X-Amz-Algorithm=AWS4-HMAC-SHA256", "&X-Amz-Credential=", "&X-Amz-Date=", "&X-Amz-Expires=",
      "&X-Amz-SignedHeaders=", "&X-Amz-Signature=", "%2F", "#presigned", "#unsigned", "#region ", "#at ", "/./",
      "/../", "//"})
  void fuzz(byte[] input) {
    SigV4Oracle.check(input);
  }
}
