package io.vidlog.kvs.sigv4;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The client side of SigV4 in the header form (AWS General Reference, "Create a signed AWS API
 * request"): adds {@code x-amz-date}, {@code x-amz-content-sha256}, {@code x-amz-security-token}
 * (temporary credentials) and {@code authorization} to a request, signing every header it is given
 * plus those. The canonical request is built by the same code the verifier uses
 * ({@link CanonicalRequest}), and checked against AWS's own signer in tests.
 *
 * <p>Give it the headers that carry meaning ({@code host}, {@code content-type}, every
 * {@code x-amz-*} and {@code x-amzn-*}); leave out hop-by-hop ones ({@code connection},
 * {@code transfer-encoding}), which proxies may change, and {@code user-agent}, as AWS's Java
 * signers do.
 */
public final class SigV4Signer {
  private final String region;
  private final String service;

  public SigV4Signer(String region, String service) {
    this.region = region;
    this.service = service;
  }

  /**
   * The signed headers of a request, {@code headers} included (names lower-cased, values as given).
   *
   * @param rawPath the path as it will be sent (percent-encoded)
   * @param rawQuery the query as it will be sent, or null
   * @param payloadHash hex SHA-256 of the body, or {@link SigV4#UNSIGNED_PAYLOAD} for a streamed body
   * @param sessionToken null for long-term keys
   */
  public Map<String, String> sign(String method, String rawPath, String rawQuery, Map<String, String> headers,
      String payloadHash, String accessKeyId, String secretAccessKey, String sessionToken, Instant now) {
    String amzDate = SigV4Parser.AMZ_DATE.format(now.atOffset(ZoneOffset.UTC));
    String date = amzDate.substring(0, 8);
    TreeMap<String, String> signed = new TreeMap<>();
    headers.forEach((k, v) -> signed.put(k.toLowerCase(Locale.ROOT), v));
    signed.put("x-amz-date", amzDate);
    signed.put("x-amz-content-sha256", payloadHash);
    if (sessionToken != null) {
      signed.put("x-amz-security-token", sessionToken);
    }
    List<String> names = new ArrayList<>(signed.keySet());
    RequestView view = new RequestView(method, rawPath, rawQuery, n -> {
      String v = signed.get(n);
      return v == null ? null : List.of(v);
    });
    SigV4Auth auth = new SigV4Auth(accessKeyId, date, region, service, names, "", now, false, 0);
    byte[] key = SigV4.signingKey(secretAccessKey, date, region, service);
    String signature = SigV4Verifier.signature(view, auth, key, payloadHash);
    Map<String, String> out = new LinkedHashMap<>(signed);
    out.put("authorization", SigV4.ALGORITHM + " Credential=" + accessKeyId + "/" + auth.scope()
        + ", SignedHeaders=" + String.join(";", names) + ", Signature=" + signature);
    return out;
  }
}
