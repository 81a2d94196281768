package io.vidlog.fragmentstore.streams;

import java.util.regex.Pattern;

/**
 * How the registry names things it mints: the region and account that appear in stream ARNs
 * ({@code arn:aws:kinesisvideo:<region>:<account>:stream/<name>/<creationMillis>}, docs/wire-protocol.md §0)
 * and the KmsKeyId reported when CreateStream names none.
 */
public record RegistryConfig(String region, String accountId, String defaultKmsKeyId) {
  private static final Pattern REGION = Pattern.compile("[a-z0-9-]{1,64}");
  private static final Pattern ACCOUNT = Pattern.compile("[0-9]{12}");

  public static final RegistryConfig DEFAULT = new RegistryConfig("us-east-1", "000000000000", "alias/aws/kinesisvideo");

  public RegistryConfig {
    if (region == null || !REGION.matcher(region).matches()) {
      throw new IllegalArgumentException("region: must match " + REGION + ", got '" + region + "'");
    }
    if (accountId == null || !ACCOUNT.matcher(accountId).matches()) {
      throw new IllegalArgumentException("accountId: must be 12 digits, got '" + accountId + "'");
    }
    if (defaultKmsKeyId == null || defaultKmsKeyId.isEmpty() || defaultKmsKeyId.length() > 2048) {
      throw new IllegalArgumentException("defaultKmsKeyId: must be 1-2048 characters");
    }
  }
}
