package io.vidlog.server.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Private files (keys, credentials) written atomically. */
class PrivateFilesTest {
  @TempDir
  Path dir;

  @Test
  void writesAndReplaces() throws IOException {
    Path f = dir.resolve("secret.json");
    PrivateFiles.writeAtomically(f, "one");
    PrivateFiles.writeAtomically(f, "two");
    assertEquals("two", Files.readString(f));
    assertFalse(Files.exists(dir.resolve("secret.json.tmp")));
  }

  /** A write that fails after its temp file was made (a full disk, here a target it cannot replace) leaves no temp file. */
  @Test
  void aFailedWriteLeavesNoTempFile() throws IOException {
    Path f = dir.resolve("secret.json");
    Files.createDirectories(f.resolve("in-the-way"));
    assertThrows(IOException.class, () -> PrivateFiles.writeAtomically(f, "secret"));
    assertFalse(Files.exists(dir.resolve("secret.json.tmp")), "the partial copy is removed");
  }
}
