package io.vidlog.producer;

import io.vidlog.producer.testing.TestVidlog;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * Signed API calls the SDK does not offer, for tests: the SDK's own signing and connection code
 * with any request document.
 */
public final class SignedCalls {
  private SignedCalls() {}

  /** POST {@code request} to {@code path} of {@code vidlog}'s data endpoint for {@code api} of {@code stream}. */
  public static Map<String, Object> call(TestVidlog vidlog, String stream, ApiName api, String path,
      Map<String, Object> request) {
    ClientContext context = new ClientContext(vidlog.url(), "us-east-1", vidlog.credentials(),
        Trust.pem(vidlog.certificate()), Duration.ofSeconds(10), Duration.ofSeconds(30));
    return context.call(context.endpoints().get(stream, api), path, request);
  }

  /**
   * A LIVE HLS session of {@code stream} whose playlists carry EXT-X-PROGRAM-DATE-TIME (the producer
   * timestamps), as the web player asks for it: GetHLSStreamingSessionURL with
   * DisplayFragmentTimestamp ALWAYS, which {@link HlsSessionRequest} does not set.
   */
  public static URI liveHlsWithProgramDateTime(TestVidlog vidlog, String stream) {
    Map<String, Object> doc = call(vidlog, stream, ApiName.GET_HLS_STREAMING_SESSION_URL, "/getHLSStreamingSessionURL",
        Map.of("StreamName", stream, "PlaybackMode", "LIVE", "DisplayFragmentTimestamp", "ALWAYS",
            "HLSFragmentSelector", Map.of("FragmentSelectorType", "PRODUCER_TIMESTAMP"), "Expires", 900));
    return URI.create(Docs.requiredString(doc, "HLSStreamingSessionURL"));
  }
}
