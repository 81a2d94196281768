package io.vidlog.server.keys;

import io.vidlog.server.auth.AccessKey;
import io.vidlog.server.auth.AccessKeyStore;
import io.vidlog.server.auth.Policy;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure an admin access key exists: created on first start and written to
 * {@code admin-credentials.json}; on later starts the file is reused, and its key is put back into
 * the store if the store no longer has it (a fresh bucket with the same data dir).
 */
public final class AdminBootstrap {
  private static final Logger LOG = LoggerFactory.getLogger(AdminBootstrap.class);

  /** The admin credentials, and whether they were created just now (print them once). */
  public record Result(AdminCredentials credentials, boolean created) {}

  private AdminBootstrap() {}

  /** Blocking: call from the launcher thread, never an event loop. */
  public static Result ensure(AccessKeyStore keys, Path dataDir, String region, String endpoint) {
    Path file = dataDir.resolve(AdminCredentials.FILE);
    if (Files.isRegularFile(file)) {
      AdminCredentials c = AdminCredentials.read(file).withEndpoint(endpoint);
      if (keys.find(c.accessKeyId()).await() == null) {
        LOG.warn("admin key {} from {} is not in the store; restoring it", c.accessKeyId(), file);
        keys.put(new AccessKeyStore.Resolved(new AccessKey(c.accessKeyId(), "admin", Policy.adminPolicy(),
            System.currentTimeMillis()), c.secretAccessKey())).await();
      }
      if (!endpoint.equals(AdminCredentials.read(file).endpoint())) {
        c.write(file);
      }
      return new Result(c, false);
    }
    AccessKeyStore.Resolved r = keys.create("admin", Policy.adminPolicy()).await();
    AdminCredentials c = new AdminCredentials(r.key().id(), r.secret(), region, endpoint);
    c.write(file);
    LOG.info("created admin access key {} ({})", r.key().id(), file);
    return new Result(c, true);
  }
}
