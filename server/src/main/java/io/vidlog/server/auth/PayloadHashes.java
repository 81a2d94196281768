package io.vidlog.server.auth;

import java.util.List;

/**
 * Which payload hashes a request may have signed as the last line of its canonical request.
 *
 * <ul>
 *   <li>JSON routes (body read): SHA-256 of the body. A declared {@code x-amz-content-sha256} must
 *       equal it, except {@code UNSIGNED-PAYLOAD} on presigned URLs.</li>
 *   <li>Streaming routes ({@code /putMedia}; the body is an endless MKV stream and cannot be hashed
 *       first): the declared value as sent — {@code STREAMING-AWS4-HMAC-SHA256-PAYLOAD} from AWS's
 *       Java PutMedia client with a raw MKV body (kvs-api.md §1.1), {@code UNSIGNED-PAYLOAD}, or a
 *       hash — and when nothing is declared, {@code UNSIGNED-PAYLOAD} or the empty-body hash.</li>
 * </ul>
 */
public final class PayloadHashes {
  private PayloadHashes() {}

  /** @param body the request body, or null on a streaming route */
  public static List<String> candidates(String declared, byte[] body, boolean presigned) {
    if (body == null) {
      return declared != null ? List.of(declared) : List.of(SigV4.UNSIGNED_PAYLOAD, SigV4.EMPTY_SHA256);
    }
    String actual = SigV4.sha256Hex(body);
    if (declared != null) {
      if (SigV4.UNSIGNED_PAYLOAD.equals(declared) && presigned) {
        return List.of(declared);
      }
      if (!declared.equals(actual)) {
        throw SigV4Parser.denied("The provided 'x-amz-content-sha256' header does not match what was computed.");
      }
      return List.of(declared);
    }
    return presigned ? List.of(actual, SigV4.UNSIGNED_PAYLOAD) : List.of(actual);
  }
}
