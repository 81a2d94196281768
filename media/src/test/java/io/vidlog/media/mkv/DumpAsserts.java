package io.vidlog.media.mkv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Golden text dumps (Media3's {@code DumpFileAsserts}): compares a dump with
 * {@code src/test/resources/dumps/<name>.dump}; run with {@code -Dvidlog.regenerateDumps=true} to
 * rewrite the files instead, then review the diff.
 */
final class DumpAsserts {
  static final boolean REGENERATE = Boolean.getBoolean("vidlog.regenerateDumps");
  private static final Path DIR = Path.of("src", "test", "resources", "dumps");

  private DumpAsserts() {}

  static void assertDump(String actual, String name) {
    Path file = DIR.resolve(name + ".dump");
    try {
      if (REGENERATE) {
        Files.createDirectories(DIR);
        Files.writeString(file, actual, StandardCharsets.UTF_8);
        return;
      }
      String expected = Files.readString(file, StandardCharsets.UTF_8);
      assertEquals(expected, actual, "dump " + file + " differs (rerun with -Dvidlog.regenerateDumps=true to"
          + " accept the new output after review)");
    } catch (IOException e) {
      throw new UncheckedIOException("missing dump " + file + " (generate it with -Dvidlog.regenerateDumps=true)", e);
    }
  }

  static byte[] resource(String name) {
    try (var in = DumpAsserts.class.getResourceAsStream("/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
