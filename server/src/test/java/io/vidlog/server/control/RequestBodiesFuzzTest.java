package io.vidlog.server.control;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of the JSON request bodies of the control plane and the playback APIs with
 * Jazzer: {@link RequestBodiesOracle}'s properties on any operation name and body. The plain test run
 * replays the saved inputs in
 * {@code src/test/resources/io/vidlog/server/control/RequestBodiesFuzzTestInputs/fuzz/} (seeds and
 * every finding so far); {@code mvn verify} then fuzzes it for 30 s. FUZZING.md in
 * {@code media/src/test/java/io/vidlog/media} says how to run it longer and keep a finding.
 */
class RequestBodiesFuzzTest {

  // member names are looked up by hash, which the fuzzer cannot learn from comparisons: give it them
  @FuzzTest(maxDuration = "30s")
  @DictionaryEntries({
      "CreateStream", "DescribeStream", "ListStreams", "DeleteStream", "UpdateStream", "UpdateDataRetention",
      "GetDataEndpoint", "TagStream", "UntagStream", "ListTagsForStream", "TagResource", "UntagResource",
      "ListTagsForResource", "GetMedia", "ListFragments", "GetMediaForFragmentList", "\"StreamName\":",
      "\"StreamARN\":", "\"DeviceName\":", "\"MediaType\":", "\"KmsKeyId\":", "\"DataRetentionInHours\":",
      "\"Tags\":", "\"StreamStorageConfiguration\":", "\"DefaultStorageTier\":", "\"MaxResults\":", "\"NextToken\":",
      "\"StreamNameCondition\":", "\"ComparisonOperator\":", "\"ComparisonValue\":", "\"CurrentVersion\":",
      "\"Operation\":", "\"DataRetentionChangeInHours\":", "\"APIName\":", "\"TagKeyList\":", "\"ResourceARN\":",
      "\"Key\":", "\"Value\":", "\"StartSelector\":", "\"StartSelectorType\":", "\"AfterFragmentNumber\":",
      "\"StartTimestamp\":", "\"EndTimestamp\":", "\"ContinuationToken\":", "\"FragmentSelector\":",
      "\"FragmentSelectorType\":", "\"TimestampRange\":", "\"Fragments\":", "\"FRAGMENT_NUMBER\"",
      "\"SERVER_TIMESTAMP\"", "\"PRODUCER_TIMESTAMP\"", "\"NOW\"", "\"EARLIEST\"", "\"CONTINUATION_TOKEN\"",
      "\"HOT\"", "\"WARM\"", "\"BEGINS_WITH\"", "\"INCREASE_DATA_RETENTION\"", "\"DECREASE_DATA_RETENTION\"",
      "\"GET_HLS_STREAMING_SESSION_URL\"", "arn:aws:kinesisvideo:us-west-2:123456789012:stream/", "aws:", "denied",
      "GetClip", "GetImages", "\"ClipFragmentSelector\":", "\"ImageSelectorType\":", "\"SamplingInterval\":",
      "\"Format\":", "\"FormatConfig\":", "\"JPEGQuality\":", "\"WidthPixels\":", "\"HeightPixels\":", "\"JPEG\"",
      "\"PNG\""})
  void fuzz(byte[] input) {
    RequestBodiesOracle.check(input);
  }
}
