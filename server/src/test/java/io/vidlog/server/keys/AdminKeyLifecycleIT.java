package io.vidlog.server.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.fragmentstore.testing.Conditions;
import io.vidlog.server.Main;
import io.vidlog.server.VidlogServer;
import io.vidlog.server.support.TestServers;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kinesisvideo.KinesisVideoClient;
import software.amazon.awssdk.services.kinesisvideo.model.NotAuthorizedException;

/**
 * The admin key over the life of a server on the durable fs store: created once for a new store, a
 * revocation survives restarts (nothing puts it back), and {@code keys create --admin} is how an
 * operator makes a new one (rotation or recovery).
 */
class AdminKeyLifecycleIT {
  @TempDir
  Path dir;

  private String keys(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] all = new String[args.length + 3];
    all[0] = "keys";
    System.arraycopy(args, 0, all, 1, args.length);
    all[args.length + 1] = "--data-dir";
    all[args.length + 2] = dir.toString();
    int code = Main.run(all, Map.of(), new PrintWriter(out, true), new PrintWriter(err, true));
    assertEquals(0, code, err.toString());
    return out.toString();
  }

  private static boolean works(VidlogServer server, AdminCredentials c) {
    try (KinesisVideoClient kvs = TestServers.client(server.url(), c.accessKeyId(), c.secretAccessKey())) {
      kvs.listStreams();
      return true;
    } catch (NotAuthorizedException e) {
      return false;
    }
  }

  @Test
  void aRevokedAdminKeyStaysRevokedAndKeysCreateAdminMakesANewOne() throws Exception {
    VidlogServer server = TestServers.start(dir, Map.of());
    AdminCredentials first;
    try {
      assertTrue(server.admin().created());
      first = server.admin().credentials();
      assertTrue(works(server, first));
      String revoked = keys("revoke", first.accessKeyId());
      assertTrue(revoked.contains("It was the admin key in"), revoked);
    } finally {
      server.stop();
    }

    server = TestServers.start(dir, Map.of());
    try {
      assertFalse(server.admin().created(), "an admin key was created for a store that had one");
      assertFalse(works(server, first), "the revoked admin key works again after a restart");

      String created = keys("create", "--admin");
      Path file = dir.resolve(AdminCredentials.FILE);
      AdminCredentials second = AdminCredentials.read(file);
      assertNotEquals(first.accessKeyId(), second.accessKeyId());
      assertTrue(created.contains(second.accessKeyId()) && created.contains(file.toString()), created);
      assertFalse(created.contains(second.secretAccessKey()), "the admin secret was printed: " + created);
      assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
          Files.getPosixFilePermissions(file));
      // the running server sees a key made by another process once it re-reads the key set (within 1 s)
      VidlogServer running = server;
      Conditions.await("the running server accepts the new admin key", () -> works(running, second));
      assertFalse(works(server, first));
    } finally {
      server.stop();
    }

    server = TestServers.start(dir, Map.of());
    try {
      assertFalse(server.admin().created());
      assertEquals(AdminCredentials.read(dir.resolve(AdminCredentials.FILE)), server.admin().credentials());
      assertTrue(works(server, server.admin().credentials()));
    } finally {
      server.stop();
    }
  }

  @Test
  void aStoreWithKeysButNoCredentialsFileGetsNoNewAdminKey() throws Exception {
    VidlogServer server = TestServers.start(dir, Map.of());
    server.stop();
    Files.delete(dir.resolve(AdminCredentials.FILE));
    server = TestServers.start(dir, Map.of());
    try {
      assertFalse(server.admin().created());
      assertNull(server.admin().credentials());
      assertFalse(Files.exists(dir.resolve(AdminCredentials.FILE)));
    } finally {
      server.stop();
    }
  }

  @Test
  void keysCreateAdminNeedsNoNameAndOtherKeysDo() {
    StringWriter err = new StringWriter();
    int code = Main.run(new String[] {"keys", "create", "--actions", "PutMedia", "--streams", "cam-*", "--data-dir",
        dir.toString()}, Map.of(), new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
    assertEquals(2, code);
    assertTrue(err.toString().contains("'--name' is required"), err.toString());
  }
}
