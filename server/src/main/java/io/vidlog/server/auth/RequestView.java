package io.vidlog.server.auth;

import java.util.List;
import java.util.function.Function;

/**
 * What SigV4 verification reads from an HTTP request, independent of Vert.x so the verifier can be
 * table-tested: the method, the path and query exactly as they arrived (still percent-encoded), and
 * header values by lower-case name ({@code host} falls back to the HTTP/2 authority).
 */
public record RequestView(String method, String rawPath, String rawQuery, Function<String, List<String>> headers) {

  public String header(String lowerName) {
    List<String> v = headers.apply(lowerName);
    return v == null || v.isEmpty() ? null : v.get(0);
  }
}
