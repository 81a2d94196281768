package io.vidlog.kvs.sigv4;

import java.util.ArrayList;
import java.util.List;

/** A raw query string split into decoded (name, value) pairs, in order. */
public record QueryString(List<Param> params) {

  /** One query parameter, percent-decoded ({@code +} kept literally). */
  public record Param(String name, String value) {}

  public static QueryString parse(String raw) {
    List<Param> out = new ArrayList<>();
    if (raw == null || raw.isEmpty()) {
      return new QueryString(out);
    }
    for (String part : raw.split("&")) {
      if (part.isEmpty()) {
        continue;
      }
      int eq = part.indexOf('=');
      String n = eq < 0 ? part : part.substring(0, eq);
      String v = eq < 0 ? "" : part.substring(eq + 1);
      out.add(new Param(SigV4.percentDecode(n), SigV4.percentDecode(v)));
    }
    return new QueryString(out);
  }

  /** The first value of {@code name}, or null. */
  public String get(String name) {
    for (Param p : params) {
      if (p.name.equals(name)) {
        return p.value;
      }
    }
    return null;
  }
}
