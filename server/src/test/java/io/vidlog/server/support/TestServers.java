package io.vidlog.server.support;

import io.vidlog.fragmentstore.object.MemoryObjectStore;
import io.vidlog.fragmentstore.object.ObjectStore;
import io.vidlog.server.StoreStack;
import io.vidlog.server.Stores;
import io.vidlog.server.VidlogServer;
import io.vidlog.server.config.ConfigLoader;
import io.vidlog.server.config.ServerConfig;
import io.vidlog.server.keys.AdminCredentials;
import java.net.URI;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.Map;
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

  /** A store opener over one shared in-memory store (so several server starts see the same keys). */
  public static StoreStack.Opener memory(ObjectStore store) {
    return (vertx, config) -> Stores.withCrypto(vertx, store, config);
  }

  public static VidlogServer start(Path dataDir, Map<String, String> extraFlags) throws Exception {
    return start(dataDir, extraFlags, memory(new MemoryObjectStore()));
  }

  public static VidlogServer start(Path dataDir, Map<String, String> extraFlags, StoreStack.Opener opener)
      throws Exception {
    Map<String, String> flags = new HashMap<>();
    flags.put("data-dir", dataDir.toString());
    flags.put("port", "0");
    flags.put("bind", "127.0.0.1");
    flags.putAll(extraFlags);
    ServerConfig config = ConfigLoader.load(flags, Map.of());
    return VidlogServer.start(config, opener);
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
