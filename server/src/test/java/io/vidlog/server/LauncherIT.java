package io.vidlog.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import io.vidlog.fragmentstore.testing.Conditions;
import io.vidlog.server.keys.AdminCredentials;
import io.vidlog.server.support.SignedHttp;
import io.vidlog.server.support.TestServers;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kinesisvideo.KinesisVideoClient;
import software.amazon.awssdk.services.kinesisvideo.model.AccessDeniedException;

/**
 * The launcher as an operator runs it: {@code Main} in a child JVM (the test classpath stands in
 * for the shaded jar) on a temp data dir and the fs store; first start prints the URL and the admin
 * key's id, writes the credentials 0600 and prints the secret nowhere (standard output is not a
 * terminal here, as under systemd or docker); /health answers over HTTPS; SIGTERM exits 0; a second
 * start reuses everything; {@code keys create|list|revoke} manage keys on the same data dir.
 */
class LauncherIT {
  @TempDir
  Path dir;

  record Child(Process process, List<String> stdout, URI url) {}

  private Child launch(Path dataDir, boolean expectCredentials) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return launch(List.of(java, "-cp", System.getProperty("java.class.path"), "io.vidlog.server.Main",
        "--data-dir", dataDir.toString(), "--port", "0", "--bind", "127.0.0.1"), expectCredentials);
  }

  private Child launch(List<String> command, boolean expectCredentials) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command)
        .redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("server-stderr.log").toFile()));
    Process p = pb.start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    List<String> lines = new ArrayList<>();
    URI url = null;
    String line;
    while ((line = out.readLine()) != null) {
      lines.add(line);
      if (line.startsWith("vidlog is running at ")) {
        url = URI.create(line.substring("vidlog is running at ".length()).split(" ")[0].trim());
        if (!expectCredentials) {
          break;
        }
      }
      if (line.startsWith("Admin access key ")) {
        break;
      }
    }
    assertNotNull(url, "no URL printed: " + lines);
    return new Child(p, lines, url);
  }

  /**
   * The jar as shipped ({@code mvn package} ran before the ITs), configured from a YAML file: what
   * an operator runs. The test classpath cannot show a dependency the shaded jar lacks.
   */
  @Test
  void thePackagedJarStartsFromAConfigFile() throws Exception {
    Path jar = Path.of("target", "vidlog-server.jar").toAbsolutePath();
    assertTrue(Files.isRegularFile(jar), "package the server before its ITs: " + jar);
    Path config = dir.resolve("vidlog.yaml");
    Files.writeString(config, "data-dir: " + dir.resolve("from-yaml") + "\nport: 0\nbind: 127.0.0.1\n"
        + "max-connections: 64\n");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Child child = launch(List.of(java, "-jar", jar.toString(), "--config", config.toString()), true);
    try {
      HttpResponse<String> health = new SignedHttp(child.url()).unsigned("GET", "/health", null, Map.of());
      assertEquals(200, health.statusCode(), health.body());
      assertTrue(Files.isRegularFile(dir.resolve("from-yaml").resolve(AdminCredentials.FILE)),
          "the data dir came from the YAML file");
    } finally {
      assertEquals(0, terminate(child.process()), "exit code after SIGTERM");
    }
  }

  private static int terminate(Process p) throws Exception {
    p.destroy(); // SIGTERM
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the server did not stop after SIGTERM");
    return p.exitValue();
  }

  @Test
  void firstStartPrintsCredentialsOnceAndLaterStartsReuseThem() throws Exception {
    Path data = dir.resolve("vidlog-data");
    Child first = launch(data, true);
    try {
      String printed = String.join("\n", first.stdout());
      Path credsFile = data.resolve(AdminCredentials.FILE);
      AdminCredentials creds = AdminCredentials.read(credsFile);
      assertTrue(printed.contains(creds.accessKeyId()) && printed.contains(credsFile.toString()), printed);
      assertFalse(printed.contains(creds.secretAccessKey()), "the admin secret went to a non-terminal stdout");
      assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
          Files.getPosixFilePermissions(credsFile));
      assertTrue(Files.isRegularFile(data.resolve("tls/cert.pem")) && Files.isRegularFile(data.resolve("tls/key.pem")));
      assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
          Files.getPosixFilePermissions(data.resolve("tls/key.pem")));

      SignedHttp http = new SignedHttp(first.url());
      HttpResponse<String> health = http.unsigned("GET", "/health", null, Map.of());
      assertEquals(200, health.statusCode());
      assertEquals("UP", new JsonObject(health.body()).getString("status"));
      assertEquals("fs", new JsonObject(health.body()).getJsonObject("store").getString("backend"));

      try (KinesisVideoClient kvs = TestServers.client(first.url(), creds.accessKeyId(), creds.secretAccessKey())) {
        kvs.createStream(r -> r.streamName("launcher-1"));
      }
      keysCliWorksAgainstTheRunningServer(data, first.url());
    } finally {
      assertEquals(0, terminate(first.process()), "exit code after SIGTERM");
    }

    String cert = Files.readString(data.resolve("tls/cert.pem"));
    AdminCredentials creds = AdminCredentials.read(data.resolve(AdminCredentials.FILE));
    String log = Files.readString(dir.resolve("server-stderr.log"));
    assertTrue(log.contains("created admin access key " + creds.accessKeyId()), log);
    assertFalse(log.contains(creds.secretAccessKey()), "the admin secret is in the server's log");
    Child second = launch(data, false);
    try {
      assertFalse(String.join("\n", second.stdout()).contains(creds.secretAccessKey()), "credentials printed twice");
      assertEquals(cert, Files.readString(data.resolve("tls/cert.pem")), "certificate regenerated");
      try (KinesisVideoClient kvs = TestServers.client(second.url(), creds.accessKeyId(), creds.secretAccessKey())) {
        assertEquals("launcher-1", kvs.describeStream(r -> r.streamName("launcher-1")).streamInfo().streamName());
      }
    } finally {
      assertEquals(0, terminate(second.process()));
    }
  }

  private void keysCliWorksAgainstTheRunningServer(Path data, URI url) throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new String[] {"keys", "create", "--data-dir", data.toString(), "--name", "door cam",
        "--actions", "DescribeStream,PutMedia", "--streams", "door-*"}, Map.of(), new PrintWriter(out, true),
        new PrintWriter(err, true));
    assertEquals(0, code, err.toString());
    String id = value(out.toString(), "accessKeyId:");
    String secret = value(out.toString(), "secretAccessKey:");
    try (KinesisVideoClient kvs = TestServers.client(url, id, secret)) {
      // the running server reads the key the CLI wrote to the shared store; it rereads its key set at
      // most once a second, so a key made a moment ago may be unknown for that long
      Conditions.await("the running server knows the key the CLI created", () -> {
        try {
          kvs.describeStream(r -> r.streamName("launcher-1"));
          throw new AssertionError("a key for door-* described launcher-1");
        } catch (AccessDeniedException denied) {
          return true; // known, and refused by its policy
        } catch (software.amazon.awssdk.services.kinesisvideo.model.NotAuthorizedException notYetKnown) {
          return false;
        }
      });
    }
    StringWriter listed = new StringWriter();
    assertEquals(0, Main.run(new String[] {"keys", "list", "--data-dir", data.toString()}, Map.of(),
        new PrintWriter(listed, true), new PrintWriter(err, true)));
    assertTrue(listed.toString().contains(id) && listed.toString().contains("door cam"), listed.toString());
    assertFalse(listed.toString().contains(secret), "list shows a secret");
    StringWriter revoked = new StringWriter();
    assertEquals(0, Main.run(new String[] {"keys", "revoke", id, "--data-dir", data.toString()}, Map.of(),
        new PrintWriter(revoked, true), new PrintWriter(err, true)));
    StringWriter after = new StringWriter();
    Main.run(new String[] {"keys", "list", "--data-dir", data.toString()}, Map.of(), new PrintWriter(after, true),
        new PrintWriter(err, true));
    assertFalse(after.toString().contains(id), after.toString());
  }

  private static String value(String text, String label) {
    for (String l : text.split("\n")) {
      if (l.startsWith(label)) {
        return l.substring(label.length()).trim();
      }
    }
    throw new AssertionError(label + " not in " + text);
  }

  @Test
  void invalidConfigExitsWith2AndNamesKeyAndValue() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new String[] {"--data-dir", dir.toString(), "--port", "http"}, Map.of(),
        new PrintWriter(out, true), new PrintWriter(err, true));
    assertEquals(2, code);
    assertTrue(err.toString().contains("'port': 'http'"), err.toString());
    assertFalse(err.toString().contains("\tat "), "stack trace printed: " + err);
    code = Main.run(new String[] {"--data-dir", dir.toString()}, Map.of("VIDLOG_IDLE_TIMEOUT", "forever"),
        new PrintWriter(out, true), new PrintWriter(err, true));
    assertEquals(2, code);
    assertTrue(err.toString().contains("'idle-timeout': 'forever'"), err.toString());
  }
}
