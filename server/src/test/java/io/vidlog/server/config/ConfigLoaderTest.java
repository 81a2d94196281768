package io.vidlog.server.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.fragmentstore.index.IndexConfig;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {
  @TempDir
  Path dir;

  @Test
  void defaults() {
    ServerConfig c = ConfigLoader.load(Map.of(), Map.of());
    assertEquals(Path.of("./vidlog-data"), c.dataDir());
    assertEquals(8443, c.http().port());
    assertEquals("0.0.0.0", c.http().bind());
    assertNull(c.http().publicUrl());
    assertFalse(c.http().insecureHttp());
    assertTrue(c.tls().selfSigned());
    assertEquals("fs", c.store().backend());
    assertNull(c.security().masterKey());
    assertFalse(c.security().metricsPublic());
    assertEquals(1 << 20, c.limits().maxJsonBody());
    assertEquals(256, c.limits().maxConnectionsPerIp());
    assertEquals(4096, c.limits().maxConnections());
    assertEquals(8444, c.http().ingestPort());
    assertNull(c.http().publicIngestUrl());
    assertEquals(Duration.ofSeconds(10), c.limits().shutdownTimeout());
    assertEquals(4L << 30, c.limits().maxMp4Upload());
    assertEquals(IndexConfig.defaultCacheBytes(), c.limits().indexCache());
    assertEquals(200, c.limits().hlsPartTargetMillis());
  }

  @Test
  void precedenceIsDefaultsFileEnvFlags() throws Exception {
    Path file = dir.resolve("vidlog.yaml");
    Files.writeString(file, "port: 9000\nbind: 127.0.0.1\nregion: eu-west-1\ns3:\n  bucket: from-file\n"
        + "  endpoint: http://s3.local:9000\n  access-key: AK\n  secret-key: SK\n");
    Map<String, String> env = Map.of("VIDLOG_CONFIG", file.toString(), "VIDLOG_PORT", "9100",
        "VIDLOG_REGION", "eu-central-1");
    ServerConfig c = ConfigLoader.load(Map.of("region", "ap-south-1"), env);
    assertEquals(9100, c.http().port(), "env beats file");
    assertEquals("127.0.0.1", c.http().bind(), "file beats default");
    assertEquals("ap-south-1", c.http().region(), "flag beats env");
    assertEquals("s3", c.store().backend());
    assertEquals("from-file", c.store().s3().bucket());
    assertEquals(URI.create("http://s3.local:9000"), c.store().s3().endpoint());
    assertFalse(c.store().s3().toString().contains("SK"), "secret in toString");
  }

  @Test
  void jsonConfigFilesWork() throws Exception {
    Path file = dir.resolve("vidlog.json");
    Files.writeString(file, "{\"port\": 7443, \"metrics-public\": true, \"public-url\": \"https://video.example.com\"}");
    ServerConfig c = ConfigLoader.load(Map.of("config", file.toString()), Map.of());
    assertEquals(7443, c.http().port());
    assertTrue(c.security().metricsPublic());
    assertEquals(URI.create("https://video.example.com"), c.http().publicUrl());
  }

  @Test
  void masterKeyIsDecodedAndNeverShown() {
    byte[] key = new byte[32];
    key[0] = 7;
    String b64 = Base64.getEncoder().encodeToString(key);
    ServerConfig c = ConfigLoader.load(Map.of("master-key", b64), Map.of());
    assertArrayEquals(key, c.security().masterKey());
    assertFalse(c.toString().contains(b64));
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(Map.of("master-key", "c2hvcnQ="), Map.of()));
    assertTrue(e.getMessage().contains("'master-key'") && !e.getMessage().contains("c2hvcnQ="), e.getMessage());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "port|70000|'port': '70000'",
      "port|http|'port': 'http'",
      "bind|''|'bind'",
      "public-url|ftp://x|'public-url': 'ftp://x'",
      "public-url|https://x/path|'public-url': 'https://x/path'",
      "insecure-http|maybe|'insecure-http': 'maybe'",
      "max-json-body|1TB|'max-json-body': '1TB'",
      "max-mp4-upload|10KB|'max-mp4-upload': '10KB'",
      "index-cache|lots|'index-cache': 'lots'",
      "index-cache|-1MB|'index-cache': '-1MB'",
      "idle-timeout|0s|'idle-timeout': '0s'",
      "idle-timeout|soon|'idle-timeout': 'soon'",
      "max-connections-per-ip|0|'max-connections-per-ip': '0'",
      "max-connections|0|'max-connections': '0'",
      "hls-part-target-ms|20|'hls-part-target-ms': '20'",
      "hls-part-target-ms|0.3s|'hls-part-target-ms': '0.3s'",
      "ingest-port|8443|'ingest-port': '8443' (expected a port from 0 to 65535 other than 'port', or off)",
      "ingest-port|70000|'ingest-port': '70000'",
      "public-ingest-url|https://x/path|'public-ingest-url': 'https://x/path'",
      "port|65535|'ingest-port' is required when 'port' is 65535",
      "region|US East|'region': 'US East'",
      "tls-cert|/tmp/cert.pem|'tls-key' is required"})
  void invalidValuesNameTheKeyAndValue(String key, String value, String expected) {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(Map.of(key, value), Map.of()));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void invalidEnvAndFileValuesToo() throws Exception {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(Map.of(), Map.of("VIDLOG_PORT", "-1")));
    assertTrue(e.getMessage().contains("'port': '-1'"), e.getMessage());
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, "prot: 1\n");
    e = assertThrows(ConfigException.class, () -> ConfigLoader.load(Map.of("config", file.toString()), Map.of()));
    assertTrue(e.getMessage().contains("'prot'"), e.getMessage());
    e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(Map.of("config", dir.resolve("missing.yaml").toString()), Map.of()));
    assertTrue(e.getMessage().contains("missing.yaml"), e.getMessage());
    Path s3 = dir.resolve("s3.yaml");
    Files.writeString(s3, "s3-endpoint: http://x:9000\ns3-bucket: Bad_Bucket\ns3-access-key: a\ns3-secret-key: b\n");
    e = assertThrows(ConfigException.class, () -> ConfigLoader.load(Map.of("config", s3.toString()), Map.of()));
    assertTrue(e.getMessage().contains("'s3-bucket': 'Bad_Bucket'"), e.getMessage());
  }

  @Test
  void theIngestListenerFollowsThePortUnlessTold() {
    assertEquals(9001, ConfigLoader.load(Map.of("port", "9000"), Map.of()).http().ingestPort());
    assertEquals(0, ConfigLoader.load(Map.of("port", "0"), Map.of()).http().ingestPort(), "a free port for port 0");
    assertEquals(7000, ConfigLoader.load(Map.of("port", "9000", "ingest-port", "7000"), Map.of()).http().ingestPort());
    ServerConfig off = ConfigLoader.load(Map.of("ingest-port", "off"), Map.of());
    assertFalse(off.http().ingestListener());
    assertEquals(URI.create("https://ingest.example.com:9444"), ConfigLoader.load(Map.of("public-ingest-url",
        "https://ingest.example.com:9444"), Map.of()).http().publicIngestUrl());
  }

  @Test
  void sizesAndDurationsHaveUnits() {
    ServerConfig c = ConfigLoader.load(Map.of("max-json-body", "64KB", "request-timeout", "1500ms",
        "idle-timeout", "2m", "max-header-size", "8192"), Map.of());
    assertEquals(64 * 1024, c.limits().maxJsonBody());
    assertEquals(Duration.ofMillis(1500), c.limits().requestTimeout());
    assertEquals(Duration.ofMinutes(2), c.limits().idleTimeout());
    assertEquals(8192, c.limits().maxHeaderSize());
    assertEquals(512L << 20, ConfigLoader.load(Map.of("index-cache", "512MB"), Map.of()).limits().indexCache());
    assertEquals(0, ConfigLoader.load(Map.of("index-cache", "0"), Map.of()).limits().indexCache());
    assertEquals(333, ConfigLoader.load(Map.of("hls-part-target-ms", "333"), Map.of()).limits().hlsPartTargetMillis());
  }

  private static final Map<String, String> S3 = Map.of("s3-endpoint", "http://127.0.0.1:9000", "s3-access-key", "AK",
      "s3-secret-key", "SK");

  private static Map<String, String> with(Map<String, String> base, String... kv) {
    Map<String, String> m = new java.util.HashMap<>(base);
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void withoutClusterThereIsNoClusterConfig() {
    assertNull(ConfigLoader.load(Map.of(), Map.of()).cluster());
    assertFalse(ConfigLoader.load(Map.of(), Map.of()).clustered());
  }

  @Test
  void clusterNeedsTheS3BackendAndASharedMasterKey() {
    String key = Base64.getEncoder().encodeToString(new byte[32]);
    ConfigException noS3 = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(Map.of("cluster", "true", "master-key", key), Map.of()));
    assertTrue(noS3.getMessage().contains("'cluster' needs the s3 store backend") && noS3.getMessage().contains("s3-endpoint"),
        noS3.getMessage());
    ConfigException noKey = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(with(S3, "cluster", "true"), Map.of()));
    assertTrue(noKey.getMessage().contains("'cluster' needs 'master-key'"), noKey.getMessage());
    ServerConfig c = ConfigLoader.load(with(S3, "cluster", "true", "master-key", key), Map.of());
    assertTrue(c.clustered());
    assertEquals("127.0.0.1", c.cluster().host());
    assertEquals(5701, c.cluster().port());
    assertEquals(1, c.cluster().expectedSize(), "alone when no member is listed");
  }

  @Test
  void clusterMembersAreHostPortPairsAndTheExpectedSizeCountsThisNodeOnce() {
    String key = Base64.getEncoder().encodeToString(new byte[32]);
    ServerConfig c = ConfigLoader.load(with(S3, "cluster", "true", "master-key", key, "cluster-host", "10.0.0.1",
        "cluster-port", "5801", "cluster-members", "10.0.0.1:5801, 10.0.0.2:5801,[fd00::3]:5801,10.0.0.2:5801"),
        Map.of());
    assertEquals(java.util.List.of(new ServerConfig.ClusterConfig.Member("10.0.0.1", 5801),
        new ServerConfig.ClusterConfig.Member("10.0.0.2", 5801), new ServerConfig.ClusterConfig.Member("fd00::3", 5801)),
        c.cluster().members());
    assertEquals("[fd00::3]:5801", c.cluster().members().get(2).toString());
    assertEquals(3, c.cluster().expectedSize());
    ServerConfig other = ConfigLoader.load(with(S3, "cluster", "true", "master-key", key, "cluster-host", "10.0.0.9",
        "cluster-members", "10.0.0.1:5701,10.0.0.2:5701"), Map.of());
    assertEquals(3, other.cluster().expectedSize(), "this node is not in the list: it counts too");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {"10.0.0.1", "10.0.0.1:", ":5701", "10.0.0.1:70000", "10.0.0.1:x"})
  void aBadClusterMemberIsRefusedWithTheKeyAndValue(String members) {
    String key = Base64.getEncoder().encodeToString(new byte[32]);
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(with(S3, "cluster", "true",
        "master-key", key, "cluster-members", members), Map.of()));
    assertTrue(e.getMessage().contains("cluster-members") && e.getMessage().contains(members), e.getMessage());
  }

  @Test
  void clusterMembersWithoutClusterIsAMistake() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(Map.of("cluster-members", "10.0.0.1:5701"), Map.of()));
    assertTrue(e.getMessage().contains("'cluster-members' is set but 'cluster' is not"), e.getMessage());
  }
}
