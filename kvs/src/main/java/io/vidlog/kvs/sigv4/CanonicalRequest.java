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

  /** RFC 3986 §5.2.4 dot-segment removal, as the SDK signers apply to non-S3 paths. */
  static String removeDotSegments(String path) {
    String[] segments = path.split("/", -1);
    Deque<String> out = new ArrayDeque<>();
    for (int i = 1; i < segments.length; i++) {
      String s = segments[i];
      if (s.equals(".")) {
        if (i == segments.length - 1) {
          out.addLast("");
        }
      } else if (s.equals("..")) {
        out.pollLast();
        if (i == segments.length - 1) {
          out.addLast("");
        }
      } else {
        out.addLast(s);
      }
    }
    return "/" + String.join("/", out);
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

  /** Values trimmed, inner runs of spaces collapsed, repeated headers joined with commas. */
  static String canonicalHeaderValue(List<String> values) {
    if (values == null) {
      return "";
    }
    List<String> cleaned = new ArrayList<>(values.size());
    for (String v : values) {
      cleaned.add(v.strip().replaceAll(" +", " "));
    }
    return String.join(",", cleaned);
  }
}
