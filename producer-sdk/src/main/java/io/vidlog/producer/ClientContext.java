package io.vidlog.producer;

import io.vidlog.kvs.sigv4.SigV4;
import io.vidlog.kvs.sigv4.SigV4Signer;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What every part of one {@link VidlogClient} shares: endpoint, region, credentials, TLS and timeouts,
 * and the signed JSON calls built on them (the rest-json protocol of docs/wire-protocol.md §0).
 */
final class ClientContext {
  /** A JSON response larger than this is not one the KVS APIs send. */
  static final int MAX_JSON_RESPONSE = 16 * 1024 * 1024;
  static final String USER_AGENT = "vidlog-producer-sdk/0.1";

  private final URI endpoint;
  private final String region;
  private final CredentialsProvider credentials;
  private final Tls tls;
  private final Duration connectTimeout;
  private final Duration requestTimeout;
  private final SigV4Signer signer;
  private final ControlPlane controlPlane;
  private final Endpoints endpoints;
  private final Archive archive;
  private final Set<ProducerEngine> producers = ConcurrentHashMap.newKeySet();

  ClientContext(URI endpoint, String region, CredentialsProvider credentials, Trust trust, Duration connectTimeout,
      Duration requestTimeout) {
    this.endpoint = endpoint;
    this.region = region;
    this.credentials = credentials;
    this.tls = Tls.of(trust);
    this.connectTimeout = connectTimeout;
    this.requestTimeout = requestTimeout;
    this.signer = new SigV4Signer(region, SigV4.SERVICE);
    this.controlPlane = new ControlPlane(this);
    this.endpoints = new Endpoints(this);
    this.archive = new Archive(this);
  }

  URI endpoint() {
    return endpoint;
  }

  String region() {
    return region;
  }

  ControlPlane controlPlane() {
    return controlPlane;
  }

  Endpoints endpoints() {
    return endpoints;
  }

  Archive archive() {
    return archive;
  }

  Duration connectTimeout() {
    return connectTimeout;
  }

  Duration requestTimeout() {
    return requestTimeout;
  }

  HttpConnection connect(URI base) {
    return HttpConnection.open(base, tls, connectTimeout);
  }

  void register(ProducerEngine p) {
    producers.add(p);
  }

  void unregister(ProducerEngine p) {
    producers.remove(p);
  }

  /**
   * The signed headers of a request to {@code conn}: {@code extra} (content type, x-amz(n) headers) plus
   * host, date, payload hash, session token and authorization.
   */
  Map<String, String> sign(HttpConnection conn, String method, String path, Map<String, String> extra,
      String payloadHash) {
    return signedHeaders(signer, credentials.resolve(), conn.hostHeader(), method, path, extra, payloadHash,
        Instant.now());
  }

  /** The headers a request carries, signed with SigV4 (header form) for {@code signer}'s region and service. */
  static Map<String, String> signedHeaders(SigV4Signer signer, Credentials c, String hostHeader, String method,
      String path, Map<String, String> extra, String payloadHash, Instant now) {
    Map<String, String> toSign = new LinkedHashMap<>();
    toSign.put("host", hostHeader);
    toSign.putAll(extra);
    Map<String, String> signed = signer.sign(method, path, null, toSign, payloadHash, c.accessKeyId(),
        c.secretAccessKey(), c.sessionToken(), now);
    Map<String, String> out = new LinkedHashMap<>();
    out.put("Host", hostHeader);
    signed.forEach((k, v) -> {
      if (!k.equals("host")) {
        out.put(k, v);
      }
    });
    out.put("User-Agent", USER_AGENT);
    return out;
  }

  /**
   * A signed rest-json POST to {@code base + path}; the response document, or ServiceException with the
   * AWS error it carried, or ConnectionException.
   */
  Map<String, Object> call(URI base, String path, Map<String, Object> request) {
    byte[] body = Json.write(request).getBytes(StandardCharsets.UTF_8);
    try (HttpConnection conn = connect(base)) {
      conn.readTimeout(requestTimeout);
      Map<String, String> headers = sign(conn, "POST", path, Map.of("content-type", "application/json"),
          SigV4.sha256Hex(body));
      headers.put("Connection", "close");
      conn.send("POST", path, headers, body);
      HttpConnection.ResponseHead head = conn.readHead();
      String text = readAll(conn.body(), MAX_JSON_RESPONSE, base + path);
      if (head.status() / 100 != 2) {
        throw serviceError(head, text);
      }
      try {
        return text.isBlank() ? Map.of() : Json.parseObject(text);
      } catch (IllegalArgumentException e) {
        throw new ConnectionException(path + " answered " + head.status() + " with a body that is not a JSON object: "
            + e.getMessage());
      }
    } catch (SocketTimeoutException e) {
      throw new ConnectionException(path + ": no answer from " + base + " within " + requestTimeout.toMillis() + " ms", e);
    } catch (IOException e) {
      throw new ConnectionException(path + " to " + base + " failed: " + HttpConnection.describe(e), e);
    }
  }

  /**
   * A signed rest-json POST whose answer is a media stream: the connection once a 2xx head arrived (read
   * its body, then close it), else ServiceException.
   */
  HttpConnection openStream(URI base, String path, Map<String, Object> request) {
    byte[] body = Json.write(request).getBytes(StandardCharsets.UTF_8);
    HttpConnection conn = connect(base);
    try {
      conn.readTimeout(requestTimeout);
      Map<String, String> headers = sign(conn, "POST", path, Map.of("content-type", "application/json"),
          SigV4.sha256Hex(body));
      conn.send("POST", path, headers, body);
      HttpConnection.ResponseHead head = conn.readHead();
      if (head.status() / 100 != 2) {
        String text = readAll(conn.body(), MAX_JSON_RESPONSE, base + path);
        throw serviceError(head, text);
      }
      return conn;
    } catch (IOException e) {
      conn.close();
      throw new ConnectionException(path + " to " + base + " failed: " + HttpConnection.describe(e), e);
    } catch (RuntimeException e) {
      conn.close();
      throw e;
    }
  }

  /** The AWS error of a non-2xx answer (docs/wire-protocol.md §0 "Errors"). */
  static ServiceException serviceError(HttpConnection.ResponseHead head, String text) {
    String type = head.header("x-amzn-errortype");
    String message = null;
    try {
      Map<String, Object> doc = Json.parseObject(text);
      Object t = doc.get("__type");
      if (type == null && t instanceof String s) {
        type = s;
      }
      Object m = doc.containsKey("Message") ? doc.get("Message") : doc.get("message");
      message = m instanceof String s ? s : null;
    } catch (IllegalArgumentException e) {
      // not a JSON error document: keep the status and a bit of the text
    }
    if (type != null && type.indexOf(':') > 0) {
      type = type.substring(0, type.indexOf(':')); // AWS may append ":http://internal.amazon.com/…"
    }
    if (type != null && type.indexOf('#') >= 0) {
      type = type.substring(type.indexOf('#') + 1);
    }
    if (message == null) {
      message = text.isBlank() ? head.reason() : HttpResponseParser.printable(text.strip());
    }
    return new ServiceException(type != null ? type : "HTTP" + head.status(), head.status(), message,
        head.header("x-amzn-requestid"));
  }

  static String readAll(InputStream in, int max, String what) throws IOException {
    byte[] buf = new byte[8192];
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    int n;
    while ((n = in.read(buf)) > 0) {
      if (out.size() + n > max) {
        throw new ConnectionException(what + ": response larger than " + max + " bytes");
      }
      out.write(buf, 0, n);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Aborts the producers still open. */
  void close() {
    for (ProducerEngine p : producers.toArray(new ProducerEngine[0])) {
      p.close(false);
    }
  }
}
