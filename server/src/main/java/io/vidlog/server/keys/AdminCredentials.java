package io.vidlog.server.keys;

import io.vertx.core.json.JsonObject;
import io.vidlog.server.tls.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The admin access key as written to {@code <data-dir>/admin-credentials.json} (mode 0600) on
 * first start: what an operator pastes into an AWS SDK or the vidlog CLI.
 */
public record AdminCredentials(String accessKeyId, String secretAccessKey, String region, String endpoint) {
  public static final String FILE = "admin-credentials.json";

  public static AdminCredentials read(Path file) {
    try {
      JsonObject j = new JsonObject(Files.readString(file));
      return new AdminCredentials(j.getString("accessKeyId"), j.getString("secretAccessKey"),
          j.getString("region"), j.getString("endpoint"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  public void write(Path file) {
    try {
      PrivateFiles.writeAtomically(file, new JsonObject().put("accessKeyId", accessKeyId)
          .put("secretAccessKey", secretAccessKey).put("region", region).put("endpoint", endpoint)
          .encodePrettily() + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  public AdminCredentials withEndpoint(String url) {
    return new AdminCredentials(accessKeyId, secretAccessKey, region, url);
  }

  @Override
  public String toString() {
    return "AdminCredentials[" + accessKeyId + ", " + region + ", " + endpoint + "]";
  }
}
