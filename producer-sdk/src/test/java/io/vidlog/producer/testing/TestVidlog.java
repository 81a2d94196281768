package io.vidlog.producer.testing;

import io.vidlog.producer.CredentialsProvider;
import io.vidlog.producer.Trust;
import io.vidlog.producer.VidlogClient;
import io.vidlog.server.Stores;
import io.vidlog.server.VidlogServer;
import io.vidlog.server.config.ConfigLoader;
import io.vidlog.server.keys.AdminCredentials;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A real vidlog server for the SDK's tests, started as the server ITs start it (and as {@code java -jar}
 * does): the fs store under a temporary data directory, TLS with the self-signed certificate it makes
 * there, the admin access key of the first start, an ephemeral loopback port.
 */
public final class TestVidlog implements AutoCloseable {
  public final VidlogServer server;
  public final Path dataDir;
  public final AdminCredentials admin;

  private TestVidlog(VidlogServer server, Path dataDir) {
    this.server = server;
    this.dataDir = dataDir;
    this.admin = server.admin().credentials();
  }

  public static TestVidlog start(Path dataDir) throws Exception {
    return start(dataDir, Map.of());
  }

  public static TestVidlog start(Path dataDir, Map<String, String> extraFlags) throws Exception {
    Map<String, String> flags = new HashMap<>();
    flags.put("data-dir", dataDir.toString());
    flags.put("port", "0");
    flags.put("bind", "127.0.0.1");
    flags.putAll(extraFlags);
    return new TestVidlog(VidlogServer.start(ConfigLoader.load(flags, Map.of()), Stores::open), dataDir);
  }

  /** The server's self-signed certificate, as a user passes it with {@code --ca-cert}. */
  public Path certificate() {
    return dataDir.resolve("tls").resolve("cert.pem");
  }

  public URI url() {
    return server.url();
  }

  public CredentialsProvider credentials() {
    return CredentialsProvider.of(admin.accessKeyId(), admin.secretAccessKey());
  }

  /** A client of this server, trusting its certificate (and checking the host name). */
  public VidlogClient client() {
    return VidlogClient.builder().endpoint(url()).region("us-east-1").credentials(credentials())
        .trust(Trust.pem(certificate())).build();
  }

  @Override
  public void close() {
    server.stop();
  }
}
