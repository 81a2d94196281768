package io.vidlog.webplayer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Runs the page's JavaScript unit tests ({@code src/test/js/*.test.mjs}) with node's test runner.
 * node comes from Debian (scripts/test.sh installs it); a missing node fails this test.
 */
class JavaScriptTest {

  @Test
  void theJavaScriptUnitTestsPass() throws Exception {
    List<String> cmd = new ArrayList<>(List.of("node", "--test"));
    try (Stream<Path> files = Files.list(Path.of("src", "test", "js"))) {
      files.filter(p -> p.toString().endsWith(".test.mjs")).sorted().forEach(p -> cmd.add(p.toString()));
    }
    assertTrue(cmd.size() > 2, "JavaScript tests found");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), out);
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("# fail 0"), out);
  }
}
