package io.vidlog.playback.request;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import io.vidlog.kvs.KvsError;
import io.vidlog.kvs.KvsException;
import io.vidlog.kvs.http.Fields;
import io.vidlog.playback.hls.ContainerFormat;
import io.vidlog.playback.hls.DiscontinuityMode;
import io.vidlog.playback.hls.PlaybackMode;
import io.vidlog.playback.hls.SessionProtocol;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** GetHLSStreamingSessionURL request validation and defaults (docs/wire-protocol.md §3.5). */
class HlsSessionRequestTest {
  static final long NOW = 1_765_000_000_000L;

  static HlsSessionRequest parse(String body) {
    return HlsSessionRequest.parse(new Fields(new JsonObject(body)), NOW);
  }

  @Test
  void anEmptyLiveRequestGetsKvsDefaults() {
    HlsSessionRequest r = parse("{\"StreamName\":\"cam-1\"}");
    assertEquals(PlaybackMode.LIVE, r.mode());
    assertEquals(FragmentSelectorType.SERVER_TIMESTAMP, r.selector());
    assertEquals(DiscontinuityMode.ALWAYS, r.discontinuity());
    assertFalse(r.displayTimestamps());
    assertEquals(300, r.expiresSeconds());
    assertEquals(5, r.maxResults());
    assertNull(r.startMillis());
    assertNull(r.endMillis());
  }

  @Test
  void defaultsFollowModeAndSelector() {
    HlsSessionRequest od = parse("{\"StreamName\":\"cam-1\",\"PlaybackMode\":\"ON_DEMAND\",\"HLSFragmentSelector\":"
        + "{\"FragmentSelectorType\":\"PRODUCER_TIMESTAMP\",\"TimestampRange\":{\"StartTimestamp\":1000,"
        + "\"EndTimestamp\":1060.5}}}");
    assertEquals(1000, od.maxResults());
    assertEquals(DiscontinuityMode.NEVER, od.discontinuity(), "producer timestamps default to NEVER");
    assertEquals(1_000_000L, od.startMillis());
    assertEquals(1_060_500L, od.endMillis());
    HlsSessionRequest replay = parse("{\"StreamName\":\"cam-1\",\"PlaybackMode\":\"LIVE_REPLAY\",\"HLSFragmentSelector\":"
        + "{\"TimestampRange\":{\"StartTimestamp\":1000}}}");
    assertEquals(5, replay.maxResults());
    assertEquals(FragmentSelectorType.SERVER_TIMESTAMP, replay.selector());
    assertNull(replay.endMillis(), "LIVE_REPLAY may be open-ended");
    HlsSessionRequest all = parse("{\"StreamARN\":\"arn:aws:kinesisvideo:us-east-1:000000000000:stream/cam-1/1\","
        + "\"PlaybackMode\":\"LIVE\",\"HLSFragmentSelector\":{\"FragmentSelectorType\":\"PRODUCER_TIMESTAMP\"},"
        + "\"ContainerFormat\":\"FRAGMENTED_MP4\",\"DiscontinuityMode\":\"ON_DISCONTINUITY\","
        + "\"DisplayFragmentTimestamp\":\"ALWAYS\",\"Expires\":43200,\"MaxMediaPlaylistFragmentResults\":5000}");
    assertEquals("cam-1", all.stream().streamName());
    assertEquals(DiscontinuityMode.ON_DISCONTINUITY, all.discontinuity());
    assertTrue(all.displayTimestamps());
    assertEquals(43200, all.expiresSeconds());
    assertEquals(5000, all.maxResults());
  }

  static Stream<Arguments> refused() {
    String od = "\"PlaybackMode\":\"ON_DEMAND\"";
    return Stream.of(
        Arguments.of("{}", "StreamName or StreamARN is required"),
        Arguments.of("{\"StreamName\":\"c\",\"PlaybackMode\":\"live\"}", "'PlaybackMode'"),
        Arguments.of("{\"StreamName\":\"c\"," + od + "}", "'HLSFragmentSelector' failed to satisfy constraint: Member is required"),
        Arguments.of("{\"StreamName\":\"c\",\"PlaybackMode\":\"LIVE_REPLAY\",\"HLSFragmentSelector\":{}}",
            "'HLSFragmentSelector.TimestampRange' failed to satisfy constraint: Member is required"),
        Arguments.of("{\"StreamName\":\"c\"," + od + ",\"HLSFragmentSelector\":{\"TimestampRange\":{\"StartTimestamp\":1}}}",
            "'HLSFragmentSelector.TimestampRange.EndTimestamp' failed to satisfy constraint: Member is required"),
        Arguments.of("{\"StreamName\":\"c\"," + od + ",\"HLSFragmentSelector\":{\"TimestampRange\":{\"EndTimestamp\":1}}}",
            "'HLSFragmentSelector.TimestampRange.StartTimestamp' failed to satisfy constraint: Member is required"),
        Arguments.of("{\"StreamName\":\"c\",\"HLSFragmentSelector\":{\"TimestampRange\":{\"StartTimestamp\":1}}}",
            "must not be present when PlaybackMode is LIVE"),
        Arguments.of("{\"StreamName\":\"c\"," + od + ",\"HLSFragmentSelector\":{\"TimestampRange\":"
            + "{\"StartTimestamp\":10,\"EndTimestamp\":10}}}", "EndTimestamp must be after StartTimestamp"),
        Arguments.of("{\"StreamName\":\"c\"," + od + ",\"HLSFragmentSelector\":{\"TimestampRange\":"
            + "{\"StartTimestamp\":10,\"EndTimestamp\":86410.001}}}", "within 24 hours"),
        Arguments.of("{\"StreamName\":\"c\"," + od + ",\"HLSFragmentSelector\":{\"TimestampRange\":"
            + "{\"StartTimestamp\":1764999999,\"EndTimestamp\":1765000000.001}}}", "must be in the past"),
        Arguments.of("{\"StreamName\":\"c\",\"HLSFragmentSelector\":{\"FragmentSelectorType\":\"CLOCK\"}}",
            "'HLSFragmentSelector.FragmentSelectorType'"),
        Arguments.of("{\"StreamName\":\"c\",\"ContainerFormat\":\"MP4\"}", "'ContainerFormat'"),
        Arguments.of("{\"StreamName\":\"c\",\"DiscontinuityMode\":\"SOMETIMES\"}", "'DiscontinuityMode'"),
        Arguments.of("{\"StreamName\":\"c\",\"DisplayFragmentTimestamp\":true}", "'DisplayFragmentTimestamp'"),
        Arguments.of("{\"StreamName\":\"c\",\"Expires\":299}", "must have value between 300 and 43200"),
        Arguments.of("{\"StreamName\":\"c\",\"Expires\":43201}", "must have value between 300 and 43200"),
        Arguments.of("{\"StreamName\":\"c\",\"Expires\":300.5}", "must be an integer"),
        Arguments.of("{\"StreamName\":\"c\",\"MaxMediaPlaylistFragmentResults\":0}", "between 1 and 5000"),
        Arguments.of("{\"StreamName\":\"c\",\"MaxMediaPlaylistFragmentResults\":5001}", "between 1 and 5000"));
  }

  @ParameterizedTest
  @MethodSource("refused")
  void invalidRequestsNameTheMember(String body, String message) {
    KvsException e = assertThrows(KvsException.class, () -> parse(body));
    assertEquals(KvsError.INVALID_ARGUMENT, e.error(), e.getMessage());
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  @Test
  void aProducerRangeMayEndInTheFutureAServerRangeMayNot() {
    String range = "\"TimestampRange\":{\"StartTimestamp\":1764999999,\"EndTimestamp\":1765000100}";
    HlsSessionRequest producer = parse("{\"StreamName\":\"c\",\"PlaybackMode\":\"ON_DEMAND\",\"HLSFragmentSelector\":"
        + "{\"FragmentSelectorType\":\"PRODUCER_TIMESTAMP\"," + range + "}}");
    assertEquals(1_765_000_100_000L, producer.endMillis());
    assertThrows(KvsException.class, () -> parse("{\"StreamName\":\"c\",\"PlaybackMode\":\"ON_DEMAND\","
        + "\"HLSFragmentSelector\":{" + range + "}}"));
  }

  @Test
  void containerFormatIsRead() {
    assertEquals(ContainerFormat.MPEG_TS, parse("{\"StreamName\":\"c\",\"ContainerFormat\":\"MPEG_TS\"}").container());
    assertEquals(ContainerFormat.FRAGMENTED_MP4, parse("{\"StreamName\":\"c\"}").container());
    assertEquals(SessionProtocol.HLS, parse("{\"StreamName\":\"c\"}").protocol());
    assertThrows(KvsException.class, () -> parse("{\"StreamName\":\"c\",\"ContainerFormat\":\"MPEG_2\"}"));
  }

  @Test
  void dashRequestsUseDashsMemberNames() {
    HlsSessionRequest d = HlsSessionRequest.parseDash(new Fields(new JsonObject("{\"StreamName\":\"c\","
        + "\"PlaybackMode\":\"ON_DEMAND\",\"DisplayFragmentNumber\":\"ALWAYS\",\"MaxManifestFragmentResults\":7,"
        + "\"DASHFragmentSelector\":{\"FragmentSelectorType\":\"PRODUCER_TIMESTAMP\",\"TimestampRange\":"
        + "{\"StartTimestamp\":1,\"EndTimestamp\":2}}}")), NOW);
    assertEquals(SessionProtocol.DASH, d.protocol());
    assertTrue(d.displayNumbers());
    assertEquals(7, d.maxResults());
    assertEquals(1000L, d.startMillis());
    assertEquals(DiscontinuityMode.NEVER, d.discontinuity());
    assertEquals(ContainerFormat.FRAGMENTED_MP4, d.container());
    // the HLS selector's name means nothing to DASH: ON_DEMAND lacks its selector
    KvsException e = assertThrows(KvsException.class, () -> HlsSessionRequest.parseDash(new Fields(new JsonObject(
        "{\"StreamName\":\"c\",\"PlaybackMode\":\"ON_DEMAND\",\"HLSFragmentSelector\":{}}")), NOW));
    assertTrue(e.getMessage().contains("DASHFragmentSelector"), e.getMessage());
  }
}
