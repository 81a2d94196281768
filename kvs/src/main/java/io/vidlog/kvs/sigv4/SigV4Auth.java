package io.vidlog.kvs.sigv4;

import java.time.Instant;
import java.util.List;

/**
 * The SigV4 fields a request carries, from its {@code Authorization} header or, for presigned
 * URLs, its {@code X-Amz-*} query parameters.
 *
 * @param date the credential scope's yyyyMMdd
 * @param amzDate the request time ({@code x-amz-date} / {@code X-Amz-Date})
 * @param expiresSeconds presigned URLs only; 0 for the header form
 */
public record SigV4Auth(String accessKeyId, String date, String region, String service,
    List<String> signedHeaders, String signature, Instant amzDate, boolean presigned, long expiresSeconds) {

  public String scope() {
    return date + "/" + region + "/" + service + "/" + SigV4.TERMINATOR;
  }

  @Override
  public String toString() {
    // never the signature
    return "SigV4Auth[" + accessKeyId + " " + scope() + (presigned ? " presigned" : "") + "]";
  }
}
