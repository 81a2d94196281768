package io.vidlog.server.support;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Talks to the server as the web player does: signs in with an access key for a session cookie,
 * then sends requests with that cookie and (when given) the anti-forgery header, never a signature.
 * Cookies are handled by hand, so a test sees exactly what the server set.
 */
public final class BrowserHttp {
  public static final String COOKIE = "__Host-vidlog-session";
  public static final String CSRF = "x-vidlog-csrf";
  private final HttpClient http;
  private final URI base;

  /** A sign-in's answer: the response, the cookie's value and attributes, and the anti-forgery token. */
  public record Login(HttpResponse<String> response, String cookie, Map<String, String> attributes, String csrf) {
    public boolean ok() {
      return response.statusCode() == 200;
    }
  }

  public BrowserHttp(URI base) {
    this.base = base;
    this.http = TestServers.trustingHttpClient();
  }

  public Login login(String keyId, String secret) throws Exception {
    HttpResponse<String> r = send("POST", "/session/login", new JsonObject().put("accessKeyId", keyId)
        .put("secretAccessKey", secret).encode(), Map.of("content-type", "application/json"));
    Map<String, String> attrs = cookieAttributes(r);
    String csrf = r.statusCode() == 200 ? new JsonObject(r.body()).getString("csrfToken") : null;
    return new Login(r, attrs == null ? null : attrs.get(COOKIE), attrs, csrf);
  }

  /** A request with the session cookie (null for none) and, when {@code csrf} is not null, the anti-forgery header. */
  public HttpResponse<String> send(String method, String path, String body, String cookie, String csrf)
      throws Exception {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("content-type", "application/json");
    if (cookie != null) {
      headers.put("cookie", COOKIE + "=" + cookie);
    }
    if (csrf != null) {
      headers.put(CSRF, csrf);
    }
    return send(method, path, body, headers);
  }

  public HttpResponse<String> send(String method, String path, String body, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(20))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(b::header);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * The session cookie a response sets: its value under {@link #COOKIE}, and each attribute in lower
   * case ({@code httponly} → "", {@code max-age} → "3600" …); null when the response sets none.
   */
  public static Map<String, String> cookieAttributes(HttpResponse<?> r) {
    List<String> set = r.headers().allValues("set-cookie").stream().filter(c -> c.startsWith(COOKIE + "=")).toList();
    if (set.isEmpty()) {
      return null;
    }
    if (set.size() > 1) {
      throw new AssertionError("the session cookie is set twice: " + set);
    }
    Map<String, String> out = new LinkedHashMap<>();
    String[] parts = set.get(0).split(";");
    out.put(COOKIE, parts[0].substring(COOKIE.length() + 1));
    for (int i = 1; i < parts.length; i++) {
      String p = parts[i].trim();
      int eq = p.indexOf('=');
      out.put((eq < 0 ? p : p.substring(0, eq)).toLowerCase(Locale.ROOT), eq < 0 ? "" : p.substring(eq + 1));
    }
    return out;
  }
}
