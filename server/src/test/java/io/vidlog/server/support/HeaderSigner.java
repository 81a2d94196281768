package io.vidlog.server.support;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * SigV4 for a request without a query string, signing every header it is given, hop-by-hop ones
 * included, as the KVS C producer SDK does (AWS's Java signers leave {@code connection} out). A
 * separate implementation from the server's verifier, following the AWS General Reference, so a
 * test does not check the verifier against itself. The payload is signed as the empty body's hash,
 * what the C SDK signs for its streaming PutMedia.
 */
public final class HeaderSigner {
  private static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

  private HeaderSigner() {}

  /**
   * Returns {@code headers} (names lower-cased) plus {@code x-amz-date}, {@code x-amz-content-sha256}
   * and {@code authorization}; {@code headers} must hold {@code host}.
   */
  public static Map<String, String> sign(String method, String path, Map<String, String> headers, String accessKey,
      String secret, String region) {
    String stamp = STAMP.format(ZonedDateTime.now(ZoneOffset.UTC));
    String date = stamp.substring(0, 8);
    TreeMap<String, String> all = new TreeMap<>();
    headers.forEach((k, v) -> all.put(k.toLowerCase(Locale.ROOT), v.strip()));
    all.put("x-amz-date", stamp);
    all.put("x-amz-content-sha256", EMPTY_SHA256);
    StringBuilder canonical = new StringBuilder(method).append('\n').append(path).append("\n\n");
    all.forEach((k, v) -> canonical.append(k).append(':').append(v).append('\n'));
    String signedHeaders = String.join(";", all.keySet());
    canonical.append('\n').append(signedHeaders).append('\n').append(EMPTY_SHA256);
    String scope = date + "/" + region + "/kinesisvideo/aws4_request";
    String toSign = "AWS4-HMAC-SHA256\n" + stamp + "\n" + scope + "\n" + hex(sha256(canonical.toString()));
    byte[] key = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), date);
    key = hmac(key, region);
    key = hmac(key, "kinesisvideo");
    key = hmac(key, "aws4_request");
    all.put("authorization", "AWS4-HMAC-SHA256 Credential=" + accessKey + "/" + scope + ", SignedHeaders="
        + signedHeaders + ", Signature=" + hex(hmac(key, toSign)));
    return all;
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }
}
