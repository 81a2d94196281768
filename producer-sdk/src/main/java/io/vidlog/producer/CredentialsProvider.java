package io.vidlog.producer;

import java.nio.file.Path;

/**
 * Where a client gets its credentials, asked before each signed request (so rotated credentials are
 * picked up). The factories follow the AWS SDKs' conventions: static keys, the standard environment
 * variables, and a profile in the shared credentials file.
 */
@FunctionalInterface
public interface CredentialsProvider {

  /**
   * The current credentials.
   *
   * @throws IllegalStateException naming where it looked when none can be found
   */
  Credentials resolve();

  /** Fixed keys. */
  static CredentialsProvider of(Credentials credentials) {
    return () -> credentials;
  }

  /** Fixed long-term keys. */
  static CredentialsProvider of(String accessKeyId, String secretAccessKey) {
    Credentials c = new Credentials(accessKeyId, secretAccessKey);
    return () -> c;
  }

  /**
   * {@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY} and, when set, {@code AWS_SESSION_TOKEN}
   * from the process environment.
   */
  static CredentialsProvider environment() {
    return AwsConfigFiles.environmentCredentials(System.getenv());
  }

  /**
   * A profile of the shared credentials file: {@code AWS_SHARED_CREDENTIALS_FILE}, else
   * {@code ~/.aws/credentials} (keys {@code aws_access_key_id}, {@code aws_secret_access_key},
   * {@code aws_session_token}).
   */
  static CredentialsProvider profile(String profileName) {
    return AwsConfigFiles.profileCredentials(AwsConfigFiles.credentialsFile(System.getenv()), profileName);
  }

  /** A profile of the given credentials file. */
  static CredentialsProvider profile(Path credentialsFile, String profileName) {
    return AwsConfigFiles.profileCredentials(credentialsFile, profileName);
  }

  /**
   * The AWS SDKs' default order: the environment variables when {@code AWS_ACCESS_KEY_ID} is set,
   * else the profile named by {@code AWS_PROFILE} (or {@code default}) in the shared credentials
   * file.
   */
  static CredentialsProvider defaultChain() {
    return AwsConfigFiles.defaultChain(System.getenv());
  }
}
