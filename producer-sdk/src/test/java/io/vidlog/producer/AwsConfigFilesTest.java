package io.vidlog.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Credentials and region from the environment and the shared files, as the AWS SDKs read them. */
class AwsConfigFilesTest {
  @TempDir
  Path dir;

  @Test
  void environmentVariables() {
    Credentials c = AwsConfigFiles.environmentCredentials(Map.of("AWS_ACCESS_KEY_ID", "AKID", "AWS_SECRET_ACCESS_KEY",
        "SECRET", "AWS_SESSION_TOKEN", "TOKEN")).resolve();
    assertEquals(new Credentials("AKID", "SECRET", "TOKEN"), c);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> AwsConfigFiles.environmentCredentials(Map.of()).resolve());
    assertTrue(e.getMessage().contains("AWS_ACCESS_KEY_ID"), e.getMessage());
  }

  @Test
  void profilesOfTheCredentialsFile() throws Exception {
    Path file = dir.resolve("credentials");
    Files.writeString(file, """
        # comment
        [default]
        aws_access_key_id = DEFAULTKEY
        aws_secret_access_key=defaultsecret

        [cam]
        AWS_ACCESS_KEY_ID = CAMKEY
        aws_secret_access_key = cam/secret+x
        aws_session_token = tok
        ; another comment
        [broken]
        aws_access_key_id = ONLY
        """);
    assertEquals(new Credentials("DEFAULTKEY", "defaultsecret"), CredentialsProvider.profile(file, "default").resolve());
    assertEquals(new Credentials("CAMKEY", "cam/secret+x", "tok"), CredentialsProvider.profile(file, "cam").resolve());
    assertThrows(IllegalStateException.class, () -> CredentialsProvider.profile(file, "broken").resolve());
    assertThrows(IllegalStateException.class, () -> CredentialsProvider.profile(file, "nope").resolve());
    Map<String, String> env = Map.of("AWS_SHARED_CREDENTIALS_FILE", file.toString(), "AWS_PROFILE", "cam");
    assertEquals("CAMKEY", AwsConfigFiles.defaultChain(env).resolve().accessKeyId());
    assertEquals("ENVKEY", AwsConfigFiles.defaultChain(Map.of("AWS_ACCESS_KEY_ID", "ENVKEY",
        "AWS_SECRET_ACCESS_KEY", "s", "AWS_SHARED_CREDENTIALS_FILE", file.toString())).resolve().accessKeyId());
  }

  @Test
  void regionFromEnvironmentThenConfigFileThenDefault() throws Exception {
    Path config = dir.resolve("config");
    Files.writeString(config, "[default]\nregion = eu-west-1\n[profile cam]\nregion=ap-south-1\n");
    assertEquals("us-west-2", AwsConfigFiles.defaultRegion(Map.of("AWS_REGION", "us-west-2", "AWS_CONFIG_FILE",
        config.toString())));
    assertEquals("sa-east-1", AwsConfigFiles.defaultRegion(Map.of("AWS_DEFAULT_REGION", "sa-east-1")));
    assertEquals("eu-west-1", AwsConfigFiles.defaultRegion(Map.of("AWS_CONFIG_FILE", config.toString())));
    assertEquals("ap-south-1", AwsConfigFiles.defaultRegion(Map.of("AWS_CONFIG_FILE", config.toString(),
        "AWS_PROFILE", "cam")));
    assertEquals("us-east-1", AwsConfigFiles.defaultRegion(Map.of("AWS_CONFIG_FILE", dir.resolve("none").toString())));
  }

  @Test
  void credentialsNeverShowTheSecret() {
    String s = new Credentials("AKID", "very-secret", "token-value").toString();
    assertTrue(s.contains("AKID") && !s.contains("very-secret") && !s.contains("token-value"), s);
    assertNull(new Credentials("a", "b", " ").sessionToken());
  }
}
