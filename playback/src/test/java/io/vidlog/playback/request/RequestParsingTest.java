package io.vidlog.playback.request;

import io.vidlog.kvs.http.Fields;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.json.JsonObject;
import io.vidlog.kvs.KvsError;
import io.vidlog.kvs.KvsException;
import io.vidlog.fragmentstore.index.TimeIndex.TimestampKind;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Validation of the playback request bodies (docs/wire-protocol.md §2, §3.1, §3.2): bad input is InvalidArgumentException. */
class RequestParsingTest {

  static JsonObject getMedia(String selector) {
    return new JsonObject("{\"StreamName\":\"cam-1\",\"StartSelector\":" + selector + "}");
  }

  @Test
  void eachSelectorTypeKeepsWhatItNeeds() {
    assertEquals(StartSelector.Type.NOW, getMediaRequest(getMedia("{\"StartSelectorType\":\"NOW\"}"))
        .selector().type());
    StartSelector fn = getMediaRequest(getMedia(
        "{\"StartSelectorType\":\"FRAGMENT_NUMBER\",\"AfterFragmentNumber\":\"0042\"}")).selector();
    assertEquals("0042", fn.afterFragmentNumber().value());
    StartSelector ts = getMediaRequest(getMedia(
        "{\"StartSelectorType\":\"PRODUCER_TIMESTAMP\",\"StartTimestamp\":1511852109.126}")).selector();
    assertEquals(1511852109126L, ts.startTimestampMillis());
    StartSelector ct = getMediaRequest(getMedia(
        "{\"StartSelectorType\":\"CONTINUATION_TOKEN\",\"ContinuationToken\":\"91343852333713038908964877623801423530396737899\"}"))
        .selector();
    assertEquals("91343852333713038908964877623801423530396737899", ct.afterFragmentNumber().value());
    StartSelector integral = getMediaRequest(getMedia(
        "{\"StartSelectorType\":\"SERVER_TIMESTAMP\",\"StartTimestamp\":1511852109}")).selector();
    assertEquals(1511852109000L, integral.startTimestampMillis());
  }

  static Stream<String> badGetMedia() {
    return Stream.of(
        "{\"StreamName\":\"cam-1\"}",
        "{\"StreamName\":\"cam-1\",\"StartSelector\":{}}",
        "{\"StreamName\":\"cam-1\",\"StartSelector\":{\"StartSelectorType\":\"LATEST\"}}",
        "{\"StreamName\":\"cam-1\",\"StartSelector\":{\"StartSelectorType\":7}}",
        "{\"StreamName\":\"cam-1\",\"StartSelector\":{\"StartSelectorType\":\"FRAGMENT_NUMBER\"}}",
        "{\"StreamName\":\"cam-1\",\"StartSelector\":{\"StartSelectorType\":\"FRAGMENT_NUMBER\",\"AfterFragmentNumber\":\"12a\"}}",
        "{\"StreamName\":\"cam-1\",\"StartSelector\":{\"StartSelectorType\":\"SERVER_TIMESTAMP\"}}",
        "{\"StreamName\":\"cam-1\",\"StartSelector\":{\"StartSelectorType\":\"SERVER_TIMESTAMP\",\"StartTimestamp\":\"x\"}}",
        "{\"StreamName\":\"cam-1\",\"StartSelector\":{\"StartSelectorType\":\"CONTINUATION_TOKEN\"}}",
        "{\"StreamName\":\"cam-1\",\"StartSelector\":{\"StartSelectorType\":\"CONTINUATION_TOKEN\",\"ContinuationToken\":\"a/b\"}}",
        "{\"StreamName\":\"cam-1\",\"StartSelector\":{\"StartSelectorType\":\"CONTINUATION_TOKEN\",\"ContinuationToken\":\""
            + "1".repeat(129) + "\"}}",
        "{\"StartSelector\":{\"StartSelectorType\":\"NOW\"}}",
        "{\"StreamName\":\"a\",\"StreamARN\":\"arn:aws:kinesisvideo:us-east-1:1:stream/a/1\",\"StartSelector\":{\"StartSelectorType\":\"NOW\"}}",
        "{\"StreamName\":\"bad name!\",\"StartSelector\":{\"StartSelectorType\":\"NOW\"}}");
  }

  @ParameterizedTest
  @MethodSource("badGetMedia")
  void badGetMediaIsInvalidArgument(String body) {
    KvsException e = assertThrows(KvsException.class, () -> getMediaRequest(new JsonObject(body)));
    assertEquals(KvsError.INVALID_ARGUMENT, e.error());
  }

  @Test
  void listFragmentsWithoutSelectorListsEverythingAtMostAThousand() {
    ListFragmentsRequest r = listFragmentsRequest(new JsonObject("{\"StreamName\":\"cam-1\"}"));
    assertEquals(TimestampKind.SERVER, r.kind());
    assertEquals(Long.MIN_VALUE, r.fromMillis());
    assertEquals(Long.MAX_VALUE, r.toMillis());
    assertEquals(1000, r.maxResults());
    assertNull(r.nextToken());
    ListFragmentsRequest p = listFragmentsRequest(new JsonObject("{\"StreamName\":\"cam-1\",\"MaxResults\":7,"
        + "\"NextToken\":\"QUJD\",\"FragmentSelector\":{\"FragmentSelectorType\":\"PRODUCER_TIMESTAMP\","
        + "\"TimestampRange\":{\"StartTimestamp\":10.5,\"EndTimestamp\":20}}}"));
    assertEquals(TimestampKind.PRODUCER, p.kind());
    assertEquals(10_500, p.fromMillis());
    assertEquals(20_000, p.toMillis());
    assertEquals(7, p.maxResults());
    assertEquals("QUJD", p.nextToken());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"StreamName\":\"c\",\"MaxResults\":0}",
      "{\"StreamName\":\"c\",\"MaxResults\":1001}",
      "{\"StreamName\":\"c\",\"MaxResults\":2.5}",
      "{\"StreamName\":\"c\",\"NextToken\":\"not base64!\"}",
      "{\"StreamName\":\"c\",\"FragmentSelector\":{}}",
      "{\"StreamName\":\"c\",\"FragmentSelector\":{\"FragmentSelectorType\":\"SERVER_TIMESTAMP\"}}",
      "{\"StreamName\":\"c\",\"FragmentSelector\":{\"FragmentSelectorType\":\"SERVER_TIMESTAMP\","
          + "\"TimestampRange\":{\"StartTimestamp\":10}}}",
      "{\"StreamName\":\"c\",\"FragmentSelector\":{\"FragmentSelectorType\":\"SERVER_TIMESTAMP\","
          + "\"TimestampRange\":{\"StartTimestamp\":20,\"EndTimestamp\":10}}}"})
  void badListFragmentsIsInvalidArgument(String body) {
    KvsException e = assertThrows(KvsException.class, () -> listFragmentsRequest(new JsonObject(body)));
    assertEquals(KvsError.INVALID_ARGUMENT, e.error());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"StreamName\":\"c\"}",
      "{\"StreamName\":\"c\",\"Fragments\":[]}",
      "{\"StreamName\":\"c\",\"Fragments\":[12]}",
      "{\"StreamName\":\"c\",\"Fragments\":[\"12x\"]}",
      "{\"StreamName\":\"c\",\"Fragments\":\"12\"}"})
  void badFragmentListIsInvalidArgument(String body) {
    KvsException e = assertThrows(KvsException.class, () -> fragmentListRequest(new JsonObject(body)));
    assertEquals(KvsError.INVALID_ARGUMENT, e.error());
  }

  @Test
  void fragmentListKeepsTheRequestedOrderAndBoundsItsLength() {
    FragmentListRequest r = fragmentListRequest(new JsonObject(
        "{\"StreamARN\":\"arn:aws:kinesisvideo:us-east-1:1:stream/c/1\",\"Fragments\":[\"3\",\"1\",\"2\"]}"));
    assertEquals(java.util.List.of("3", "1", "2"), r.fragments().stream().map(Object::toString).toList());
    io.vertx.core.json.JsonArray many = new io.vertx.core.json.JsonArray();
    for (int i = 0; i < 1001; i++) {
      many.add(Integer.toString(i + 1));
    }
    assertThrows(KvsException.class, () -> fragmentListRequest(new JsonObject().put("StreamName", "c")
        .put("Fragments", many)));
    many.remove(0);
    assertEquals(1000, fragmentListRequest(new JsonObject().put("StreamName", "c").put("Fragments", many))
        .fragments().size());
  }

  private static GetMediaRequest getMediaRequest(JsonObject json) {
    return GetMediaRequest.parse(new Fields(json));
  }

  private static ListFragmentsRequest listFragmentsRequest(JsonObject json) {
    return ListFragmentsRequest.parse(new Fields(json));
  }

  private static FragmentListRequest fragmentListRequest(JsonObject json) {
    return FragmentListRequest.parse(new Fields(json));
  }
}
