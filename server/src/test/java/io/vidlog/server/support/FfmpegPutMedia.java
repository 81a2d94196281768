package io.vidlog.server.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * ffmpeg as a live PutMedia producer: a chunked HTTPS POST of live Matroska, authenticated by SigV4
 * headers computed here (ffmpeg cannot sign). Only headers ffmpeg sends unchanged are signed, with
 * {@code x-amz-content-sha256: UNSIGNED-PAYLOAD} (accepted on /putMedia, docs/wire-protocol.md §1.1).
 */
public final class FfmpegPutMedia {
  private FfmpegPutMedia() {}

  /**
   * SigV4 headers for ffmpeg's POST to {@code endpoint}/putMedia, signed by AWS's own v2 signer over
   * Host ({@code 127.0.0.1:PORT}, which ffmpeg writes itself), x-amz-date, x-amz-content-sha256 and
   * {@code putMediaHeaders} (the x-amzn-* PutMedia headers). Returned as ffmpeg's {@code -headers}
   * value ("Name: value\r\n" pairs), without Host.
   */
  public static String signedHeaders(URI endpoint, String keyId, String secret, Map<String, String> putMediaHeaders) {
    SdkHttpFullRequest.Builder b = SdkHttpFullRequest.builder().method(SdkHttpMethod.POST).uri(endpoint)
        .encodedPath("/putMedia").putHeader("x-amz-content-sha256", "UNSIGNED-PAYLOAD");
    putMediaHeaders.forEach(b::putHeader);
    SdkHttpRequest signed = AwsV4HttpSigner.create().sign(r -> r
        .identity(AwsCredentialsIdentity.create(keyId, secret)).request(b.build())
        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "kinesisvideo")
        .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
        .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, false)).request();
    String authorization = signed.firstMatchingHeader("Authorization").orElseThrow();
    String names = String.join(";", new TreeMap<>(putMediaHeaders).keySet());
    assertTrue(authorization.contains("SignedHeaders=host;x-amz-content-sha256;x-amz-date;" + names + ","),
        "only headers ffmpeg sends unchanged are signed: " + authorization);
    assertEquals(endpoint.getHost() + ":" + endpoint.getPort(), signed.firstMatchingHeader("Host")
        .orElse(endpoint.getHost() + ":" + endpoint.getPort()), "the Host ffmpeg will send");
    StringBuilder headers = new StringBuilder();
    signed.forEachHeader((name, values) -> {
      if (!name.equalsIgnoreCase("Host")) {
        values.forEach(v -> headers.append(name).append(": ").append(v).append("\r\n"));
      }
    });
    return headers.toString();
  }

  /**
   * Starts ffmpeg streaming a moving H.264 test pattern (testsrc2, 320×240, 25 frames/s, a key frame
   * every {@code keyFrameInterval} frames) in real time for {@code length}, as a camera would: each
   * frame's timestamp is the wall-clock time it was made (the {@code realtime} filter paces the
   * pattern, {@code setpts=RTCTIME} stamps it; ABSOLUTE timecodes), so producer timestamps carry no
   * error from ffmpeg's start-up. Clusters, and so fragments, start at each key frame only: the
   * time and size limits are set beyond a key-frame interval (in live mode ffmpeg otherwise cuts a
   * cluster every 32 KB, and a fragment that does not start with a key frame cannot be played on its
   * own). Its log goes to {@code log}.
   */
  public static Process startTestPattern(URI endpoint, String keyId, String secret, String stream, Duration length,
      int keyFrameInterval, Path log) throws IOException {
    String headers = signedHeaders(endpoint, keyId, secret, Map.of("x-amzn-stream-name", stream,
        "x-amzn-fragment-timecode-type", "ABSOLUTE"));
    List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "warning",
        "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25,realtime,setpts=RTCTIME/(1000000*TB)",
        "-frames:v", String.valueOf(length.toSeconds() * 25), "-copyts", "-fps_mode", "passthrough",
        "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-profile:v", "baseline",
        "-pix_fmt", "yuv420p", "-g", String.valueOf(keyFrameInterval), "-keyint_min", String.valueOf(keyFrameInterval),
        "-f", "matroska", "-live", "1", "-cluster_time_limit", "10000", "-cluster_size_limit", "50000000",
        "-flush_packets", "1", "-method", "POST", "-chunked_post", "1", "-tls_verify", "0", "-tcp_nodelay", "1",
        "-headers", headers, endpoint.resolve("/putMedia").toString()));
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }
}
