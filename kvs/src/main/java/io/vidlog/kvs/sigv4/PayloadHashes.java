package io.vidlog.kvs.sigv4;

import java.util.List;

/**
 * Which payload hashes a request may have signed as the last line of its canonical request.
 *
 * <ul>
 *   <li>Routes whose body is read first (JSON): SHA-256 of the body, nothing else. A declared
 *       {@code x-amz-content-sha256} must equal it; {@code UNSIGNED-PAYLOAD} is refused, presigned or
 *       not, so a signature (a presigned URL included) always binds its body.</li>
 *   <li>Streaming routes ({@code /putMedia}; the body is an endless MKV stream and cannot be hashed
 *       first): the declared value as sent — {@code STREAMING-AWS4-HMAC-SHA256-PAYLOAD} from AWS's
 *       Java PutMedia client with a raw MKV body (docs/wire-protocol.md §1.1), {@code UNSIGNED-PAYLOAD},
 *       or a hash — and when nothing is declared, {@code UNSIGNED-PAYLOAD} or the empty-body hash.
 *       This is the one place an unsigned payload is accepted, because the API needs it.</li>
 * </ul>
 */
public final class PayloadHashes {
  private PayloadHashes() {}

  /**
   * @param body the request body, or null on a streaming route
   * @param presigned whether the signature is in the query string (the rules are the same)
   */
  public static List<String> candidates(String declared, byte[] body, boolean presigned) {
    if (body == null) {
      return declared != null ? List.of(declared) : List.of(SigV4.UNSIGNED_PAYLOAD, SigV4.EMPTY_SHA256);
    }
    String actual = SigV4.sha256Hex(body);
    if (declared != null && !declared.equals(actual)) {
      throw SigV4Parser.denied(SigV4.UNSIGNED_PAYLOAD.equals(declared)
          ? "This API does not accept an unsigned payload: sign the SHA-256 of the request body"
          : "The provided 'x-amz-content-sha256' header does not match what was computed.");
    }
    return List.of(actual);
  }
}
