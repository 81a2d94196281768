package io.vidlog.fragmentstore.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Programs the interop tests drive that {@code scripts/test.sh} installs from npm (s3rver, hls.js),
 * each into {@code .tools/<tool>} of the checkout or where a system property says. A missing
 * package, or another version than the one pinned, fails the test: interop tests never skip.
 */
public final class NpmTools {
  private NpmTools() {}

  /**
   * The file {@code file} (relative to the package) of npm package {@code pkg} at {@code version},
   * installed with {@code npm install --prefix DIR}, where DIR is the system property {@code property}
   * or else {@code .tools/<tool>} beside the module directory the tests run in.
   */
  public static Path installed(String property, String tool, String pkg, String version, String file)
      throws IOException {
    String configured = System.getProperty(property);
    Path install = configured != null ? Path.of(configured)
        : Path.of("").toAbsolutePath().getParent().resolve(".tools").resolve(tool);
    Path dir = install.resolve("node_modules").resolve(pkg);
    Path json = dir.resolve("package.json");
    Path wanted = dir.resolve(file);
    if (!Files.exists(wanted) || !Files.exists(json)
        || !Files.readString(json).contains("\"version\": \"" + version + "\"")) {
      throw new IllegalStateException(pkg + " " + version + " is not installed at " + install
          + ": run the tests with scripts/test.sh, which installs it (npm install --prefix " + install + " " + pkg
          + "@" + version + ")");
    }
    return wanted;
  }
}
