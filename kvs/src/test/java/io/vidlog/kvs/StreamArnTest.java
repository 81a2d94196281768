package io.vidlog.kvs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Stream ARNs read and written in one place (docs/wire-protocol.md §0). */
class StreamArnTest {

  @Test
  void rendersAndParsesBack() {
    StreamArn arn = StreamArn.of("us-east-1", "000000000000", "cam-1", 1_700_000_000_000L);
    assertEquals("arn:aws:kinesisvideo:us-east-1:000000000000:stream/cam-1/1700000000000", arn.render());
    assertEquals(arn, StreamArn.parse(arn.render()));
  }

  @ParameterizedTest
  @CsvSource({
      "arn:aws:kinesisvideo:us-east-1:123456789012:stream/cam-1/1700000000000, cam-1",
      "arn:aws:kinesisvideo:eu-west-1:1:stream/a.b_c/1, a.b_c",
      "arn:aws-cn:kinesisvideo:cn-north-1:1:stream/x-y/99, x-y"})
  void nameInAStreamArn(String arn, String name) {
    assertEquals(name, StreamArn.nameIn(arn));
    assertEquals(name, StreamRef.of(null, arn).streamName());
  }

  @ParameterizedTest
  @ValueSource(strings = {"arn:aws:kinesisvideo:us-east-1:1:channel/x/1", "arn:aws:kinesisvideo:us-east-1:1:stream/",
      "arn:aws:kinesisvideo:us-east-1:1:stream/a/b", "arn:aws:s3:::bucket", "cam-1", "",
      "arn:aws:kinesisvideo:us-east-1:1:stream/a b/1", "arn:aws:kinesisvideo:us-east-1:1:stream/a/1/2"})
  void anythingElseIsNotAStreamArn(String arn) {
    assertNull(StreamArn.nameIn(arn));
    KvsException e = assertThrows(KvsException.class, () -> StreamRef.of(null, arn.isEmpty() ? "x" : arn));
    assertEquals(KvsError.INVALID_ARGUMENT, e.error());
  }

  @Test
  void aChannelArnIsAResourceButNotAStream() {
    String channel = "arn:aws:kinesisvideo:us-east-1:123456789012:channel/door/1";
    assertTrue(StreamArn.RESOURCE.matcher(channel).matches());
    assertTrue(StreamArn.tryParse(channel).isEmpty());
  }

  @Test
  void anArnReferenceMatchesOnlyThatIncarnation() {
    StreamRef ref = StreamRef.of(null, "arn:aws:kinesisvideo:us-east-1:1:stream/cam/5");
    assertTrue(ref.matches("cam", "arn:aws:kinesisvideo:us-east-1:1:stream/cam/5"));
    assertEquals(false, ref.matches("cam", "arn:aws:kinesisvideo:us-east-1:1:stream/cam/6"));
    assertTrue(StreamRef.byName("cam").matches("cam", "anything"));
  }

  @Test
  void exactlyOneOfNameAndArn() {
    assertThrows(KvsException.class, () -> StreamRef.of(null, null));
    assertThrows(KvsException.class, () -> StreamRef.of("a", "arn:aws:kinesisvideo:us-east-1:1:stream/a/1"));
    assertThrows(KvsException.class, () -> StreamRef.of("a/b", null));
    assertThrows(KvsException.class, () -> StreamRef.of("a".repeat(257), null));
    assertEquals("a".repeat(256), StreamRef.of("a".repeat(256), "").streamName());
  }
}
