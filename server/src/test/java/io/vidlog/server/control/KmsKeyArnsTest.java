package io.vidlog.server.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KmsKeyArnsTest {
  static final String STREAM = "arn:aws:kinesisvideo:eu-west-1:123456789012:stream/cam-1/1555582668214";

  @ParameterizedTest
  @CsvSource({
      "alias/aws/kinesisvideo, arn:aws:kms:eu-west-1:123456789012:alias/aws/kinesisvideo",
      "alias/video, arn:aws:kms:eu-west-1:123456789012:alias/video",
      "1234abcd-12ab-34cd-56ef-1234567890ab, arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
      "mrk-1234abcd12ab34cd56ef1234567890ab, arn:aws:kms:eu-west-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab",
      "arn:aws:kms:us-east-2:111122223333:key/k, arn:aws:kms:us-east-2:111122223333:key/k",
      "arn:aws:kms:us-east-2:111122223333:alias/a, arn:aws:kms:us-east-2:111122223333:alias/a"})
  void keysAreReportedAsArnsOfTheStreamsRegionAndAccount(String given, String reported) {
    assertEquals(reported, KmsKeyArns.of(given, STREAM));
  }

  @Test
  void theStreamsPartitionIsKept() {
    assertEquals("arn:aws-cn:kms:cn-north-1:123456789012:alias/aws/kinesisvideo",
        KmsKeyArns.of("alias/aws/kinesisvideo", "arn:aws-cn:kinesisvideo:cn-north-1:123456789012:stream/s/1"));
  }

  @Test
  void nothingToReportStaysNothing() {
    assertNull(KmsKeyArns.of(null, STREAM));
  }
}
