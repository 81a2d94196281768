package io.vidlog.kvs.sigv4;

import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What SigV4 verification reads from an HTTP request, independent of any HTTP library so the
 * verifier can be table-tested: the method, the path and query exactly as they arrived (still
 * percent-encoded), header values by lower-case name ({@code host} falls back to the HTTP/2
 * authority), and the names of the headers present (to check that the signature covers them).
 */
public record RequestView(String method, String rawPath, String rawQuery, Function<String, List<String>> headers,
    Supplier<? extends Collection<String>> headerNames) {

  /** A view whose header names are not known (nothing to check against the signed headers). */
  public RequestView(String method, String rawPath, String rawQuery, Function<String, List<String>> headers) {
    this(method, rawPath, rawQuery, headers, List::of);
  }

  public String header(String lowerName) {
    List<String> v = headers.apply(lowerName);
    return v == null || v.isEmpty() ? null : v.get(0);
  }
}
