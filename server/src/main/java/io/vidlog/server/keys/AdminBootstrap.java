package io.vidlog.server.keys;

import io.vidlog.server.auth.AccessKeyStore;
import io.vidlog.server.auth.Policy;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin access key of a new store: created on the first start against a store that has never
 * held a key, and written to {@code admin-credentials.json}. On any other start nothing is created
 * or put back, so a revoked admin key stays revoked; the file is only read (and its endpoint kept
 * current). An operator rotates or recovers the admin key with {@code keys create --admin}.
 */
public final class AdminBootstrap {
  private static final Logger LOG = LoggerFactory.getLogger(AdminBootstrap.class);

  /**
   * The admin credentials from the file (null when there is none), and whether they were created
   * just now (then the launcher announces them).
   */
  public record Result(AdminCredentials credentials, boolean created) {}

  private AdminBootstrap() {}

  /** Blocking: call from the launcher thread, never an event loop. */
  public static Result ensure(AccessKeyStore keys, Path dataDir, String region, String endpoint) {
    Path file = dataDir.resolve(AdminCredentials.FILE);
    AccessKeyStore.Inventory inventory = keys.inventory().await();
    if (inventory.newStore()) {
      if (Files.isRegularFile(file)) {
        LOG.warn("the store holds no access keys: {} names a key of another store; replacing it", file);
      }
      AdminCredentials c = create(keys, file, region, endpoint, "admin");
      LOG.info("created admin access key {} ({})", c.accessKeyId(), file);
      return new Result(c, true);
    }
    if (!inventory.keySetPresent() && inventory.anyRecords()) {
      LOG.warn("the store holds access keys of an earlier version, whose records are not sealed and cannot be "
          + "verified: every one is refused. Create an admin key with `vidlog-server keys create --admin` (same "
          + "--data-dir and store flags), recreate the other keys, and remove the old ones with `keys revoke`");
    }
    if (!Files.isRegularFile(file)) {
      return new Result(null, false);
    }
    AdminCredentials c = AdminCredentials.read(file);
    if (!endpoint.equals(c.endpoint())) {
      c = c.withEndpoint(endpoint);
      try {
        c.write(file);
      } catch (UncheckedIOException e) {
        // a convenience for the operator: a full disk must not keep the server from serving what it stores
        LOG.warn("could not write the new endpoint {} to {}; it keeps the old one: {}", endpoint, file,
            e.getCause().toString());
      }
    }
    return new Result(c, false);
  }

  /** Creates an admin key and writes it to {@code file} (mode 0600); blocking. */
  static AdminCredentials create(AccessKeyStore keys, Path file, String region, String endpoint, String name) {
    AccessKeyStore.Resolved r = keys.create(name, Policy.adminPolicy()).await();
    AdminCredentials c = new AdminCredentials(r.key().id(), r.secret(), region, endpoint);
    c.write(file);
    return c;
  }
}
