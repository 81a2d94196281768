package io.vidlog.kvs.sigv4;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;

/**
 * SigV4's canonical request (AWS General Reference, "Create a canonical request"):
 * <pre>
 * METHOD \n CanonicalURI \n CanonicalQueryString \n CanonicalHeaders \n SignedHeaders \n HashedPayload
 * </pre>
 * For every service but S3 the path is normalised (dot segments removed) and each segment is encoded
 * twice: the client URI-encodes the path it sends and the signer encodes it again. The server sees
 * the once-encoded path, so it encodes the raw path once more.
 */
public final class CanonicalRequest {
  private CanonicalRequest() {}

  public static String build(RequestView req, List<String> signedHeaders, String payloadHash, String excludeParam) {
    StringBuilder b = new StringBuilder(512);
    b.append(req.method()).append('\n');
    b.append(canonicalUri(req.rawPath())).append('\n');
    b.append(canonicalQuery(QueryString.parse(req.rawQuery()), excludeParam)).append('\n');
    for (String h : signedHeaders) {
      b.append(h).append(':').append(canonicalHeaderValue(req.headers().apply(h))).append('\n');
    }
    b.append('\n').append(String.join(";", signedHeaders)).append('\n');
    b.append(payloadHash);
    return b.toString();
  }

  static String canonicalUri(String rawPath) {
    if (rawPath == null || rawPath.isEmpty()) {
      return "/";
    }
    return SigV4.uriEncode(removeDotSegments(rawPath), true);
  }

  /**
   * The path as AWS's signers normalise it for every service but S3: dot segments removed (RFC 3986
   * §5.2.4), empty segments dropped ({@code //example//} is {@code /example/}, AWS's SigV4 test suite,
   * normalize-path/get-slashes), and a trailing slash only where the path sent ends with one
   * ({@code /a/b/.} is {@code /a/b}). The AWS SDK for Java v2 (java.net.URI.normalize, then its
   * trailing-slash rule) and botocore agree on all of this; they differ only on a {@code ..} that climbs
   * above the root, which this drops, as RFC 3986 and botocore do.
   */
  static String removeDotSegments(String path) {
    Deque<String> out = new ArrayDeque<>();
    for (String s : path.split("/")) {
      if (s.equals("..")) {
        out.pollLast();
      } else if (!s.isEmpty() && !s.equals(".")) {
        out.addLast(s);
      }
    }
    String normalised = "/" + String.join("/", out);
    return !out.isEmpty() && path.endsWith("/") ? normalised + "/" : normalised;
  }

  static String canonicalQuery(QueryString q, String excludeParam) {
    List<String[]> encoded = new ArrayList<>();
    for (QueryString.Param p : q.params()) {
      if (p.name().equals(excludeParam)) {
        continue;
      }
      encoded.add(new String[] {SigV4.uriEncode(p.name(), false), SigV4.uriEncode(p.value(), false)});
    }
    encoded.sort(Comparator.<String[], String>comparing(e -> e[0]).thenComparing(e -> e[1]));
    StringBuilder b = new StringBuilder();
    for (String[] e : encoded) {
      if (b.length() > 0) {
        b.append('&');
      }
      b.append(e[0]).append('=').append(e[1]);
    }
    return b.toString();
  }

  /**
   * Values trimmed and every inner run of white space made one space ("Trimall"), repeated headers joined
   * with commas. White space is what AWS's signers take it to be: space, tab, LF, VT, FF and CR (the AWS
   * SDK for Java v2's {@code V4CanonicalRequest}); a tab inside a value must become a space, and a
   * character that is white space only to Java ({@code \u001c}, say) must stay.
   */
  static String canonicalHeaderValue(List<String> values) {
    if (values == null) {
      return "";
    }
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        b.append(',');
      }
      trimAll(values.get(i), b);
    }
    return b.toString();
  }

  private static void trimAll(String v, StringBuilder out) {
    boolean pendingSpace = false;
    boolean any = false;
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\u000b' || c == '\f' || c == '\r') {
        pendingSpace = any;
      } else {
        if (pendingSpace) {
          out.append(' ');
          pendingSpace = false;
        }
        out.append(c);
        any = true;
      }
    }
  }
}
