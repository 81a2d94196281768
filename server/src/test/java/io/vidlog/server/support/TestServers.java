package io.vidlog.server.support;

import io.vidlog.server.Stores;
import io.vidlog.server.VidlogServer;
import io.vidlog.server.config.ConfigLoader;
import io.vidlog.server.config.ServerConfig;
import io.vidlog.server.keys.AdminCredentials;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesisvideo.KinesisVideoClient;

/** Starts real servers for ITs (ephemeral loopback port, temp data dir) and builds SDK clients for them. */
public final class TestServers {
  private TestServers() {}

  /**
   * The product as shipped ({@code java -jar} with these flags): the durable fs object store under
   * {@code dataDir}, sealed chunks, the real index and the keyring made on first start there. Every
   * server IT runs on it; none needs an in-memory store (a restart on the same data dir sees what
   * the first run stored, as an operator's restart does).
   */
  public static VidlogServer start(Path dataDir, Map<String, String> extraFlags) throws Exception {
    Map<String, String> flags = new HashMap<>();
    flags.put("data-dir", dataDir.toString());
    flags.put("port", "0");
    flags.put("bind", "127.0.0.1");
    flags.putAll(extraFlags);
    ServerConfig config = ConfigLoader.load(flags, Map.of());
    return VidlogServer.start(config, Stores::open);
  }

  public static final TrustManager[] TRUST_ALL = {new X509TrustManager() {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }};

  /** A java.net.http client that trusts the test server's self-signed certificate, for any host name. */
  public static HttpClient trustingHttpClient() {
    try {
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, TRUST_ALL, new SecureRandom());
      SSLParameters params = new SSLParameters();
      params.setEndpointIdentificationAlgorithm(null);
      return HttpClient.newBuilder().sslContext(ssl).sslParameters(params).connectTimeout(Duration.ofSeconds(10))
          .build();
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static KinesisVideoClient client(URI url, String accessKey, String secret) {
    return KinesisVideoClient.builder()
        .endpointOverride(url)
        .region(Region.US_WEST_2)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secret)))
        .httpClient(UrlConnectionHttpClient.builder().tlsTrustManagersProvider(() -> TRUST_ALL).build())
        .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1)))
        .build();
  }

  public static KinesisVideoClient adminClient(VidlogServer server) {
    AdminCredentials c = server.admin().credentials();
    return client(server.url(), c.accessKeyId(), c.secretAccessKey());
  }
}
