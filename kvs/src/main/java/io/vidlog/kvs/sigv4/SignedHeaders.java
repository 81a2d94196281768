package io.vidlog.kvs.sigv4;

import java.util.Locale;
import java.util.Set;

/**
 * Which headers a signature must cover. SigV4 lets a client choose what to sign (only {@code host},
 * and {@code x-amz-date} for the header form, are required), so a signature over a few headers can be
 * replayed with other values in the rest — for PutMedia, another {@code x-amzn-stream-name}. vidlog
 * therefore requires every {@code x-amz-*} and {@code x-amzn-*} header present to be signed: they
 * name the stream, its timecodes and producer start, the payload hash and the date.
 *
 * <p>Exempt: the signature itself ({@code authorization}); {@code x-amzn-trace-id}, which AWS SDKs
 * add after signing (X-Ray tracing) and which means nothing to vidlog; and
 * {@code x-amz-security-token}, which AWS's C producer SDK (the library behind kvssink and most KVS
 * cameras) leaves out of its signature on purpose, as AWS allows for some services.
 * {@code content-type} is not required either: the same SDK never signs it yet sends
 * {@code application/json} on every call, PutMedia included (its AwsV4Signer), so requiring it
 * refused every call of the stock SDK; and it binds nothing a signature would protect — a JSON
 * body is bound by its signed hash, and PutMedia's body is unsigned by the API's nature, so a holder
 * of a captured PutMedia signature can send any bytes to the signed stream whatever their declared
 * type.
 */
public final class SignedHeaders {
  private static final Set<String> EXEMPT = Set.of("authorization", "x-amzn-trace-id", "x-amz-security-token");
  private static final int MAX_QUOTED = 64;

  private SignedHeaders() {}

  /** Whether a present header with this (any-case) name must be among the signed ones. */
  public static boolean mustBeSigned(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    if (EXEMPT.contains(n)) {
      return false;
    }
    return n.startsWith("x-amz-") || n.startsWith("x-amzn-");
  }

  /** NotAuthorizedException naming the first present header the signature does not cover. */
  public static void requireCovered(RequestView request, SigV4Auth auth) {
    for (String name : request.headerNames().get()) {
      if (mustBeSigned(name) && !auth.signedHeaders().contains(name.toLowerCase(Locale.ROOT))) {
        throw SigV4Parser.denied("The header " + printable(name.toLowerCase(Locale.ROOT))
            + " must be signed (SignedHeaders must include every x-amz-* and x-amzn-* header sent)");
      }
    }
  }

  /** A header name for a message: client text, so at most 64 characters, each a token character or '?'. */
  private static String printable(String name) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < Math.min(name.length(), MAX_QUOTED); i++) {
      char c = name.charAt(i);
      b.append(c < 128 && (Character.isLetterOrDigit(c) || "!#$%&'*+.^_`|~-".indexOf(c) >= 0) ? c : '?');
    }
    return name.length() > MAX_QUOTED ? b.append('…').toString() : b.toString();
  }
}
