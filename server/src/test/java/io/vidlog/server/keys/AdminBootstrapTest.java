package io.vidlog.server.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.fragmentstore.object.MemoryObjectStore;
import io.vidlog.fragmentstore.testing.TestSealer;
import io.vidlog.server.auth.AccessKeyStore;
import io.vidlog.server.auth.GenerationFloor;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin credentials file across starts. */
class AdminBootstrapTest {
  @TempDir
  Path dir;

  /**
   * A start on another endpoint rewrites the file's endpoint; when that write fails (a full disk)
   * the server starts anyway, with the same key, and the file keeps what it said.
   */
  @Test
  void aStartWhoseNewEndpointCannotBeWrittenStillStartsWithTheSameKey() throws Exception {
    AccessKeyStore keys = new AccessKeyStore(new MemoryObjectStore(), new TestSealer(), GenerationFloor.inMemory());
    AdminBootstrap.Result first = AdminBootstrap.ensure(keys, dir, "us-west-2", "https://127.0.0.1:1111");
    assertTrue(first.created());
    // the rewrite fails: its temp file's name is taken by a directory that cannot be removed
    Files.createDirectories(dir.resolve(AdminCredentials.FILE + ".tmp").resolve("taken"));
    AdminBootstrap.Result again = AdminBootstrap.ensure(keys, dir, "us-west-2", "https://127.0.0.1:2222");
    assertFalse(again.created());
    assertEquals(first.credentials().accessKeyId(), again.credentials().accessKeyId());
    assertEquals("https://127.0.0.1:2222", again.credentials().endpoint());
    assertEquals("https://127.0.0.1:1111", AdminCredentials.read(dir.resolve(AdminCredentials.FILE)).endpoint());
  }
}
