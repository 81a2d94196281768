package io.vidlog.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vidlog.server.config.ConfigLoader;
import io.vidlog.server.config.ServerConfig;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** The launcher's fast path reads every argument list it accepts exactly as picocli does. */
class ServeArgsTest {
  static Stream<Arguments> accepted() {
    return args(
        new String[] {},
        new String[] {"--port", "9443"},
        new String[] {"--port=9443", "--bind", "127.0.0.1"},
        new String[] {"--insecure-http"},
        new String[] {"--insecure-http", "--port", "1"},
        new String[] {"--insecure-http=false", "--metrics-public"},
        new String[] {"--data-dir", "/tmp/x y", "--idle-timeout", "90s", "--max-json-body=2MB"},
        new String[] {"--public-url", "https://video.example.com", "--region", "eu-west-1"},
        new String[] {"--s3-path-style", "--region", "ap-south-1"});
  }

  @ParameterizedTest
  @MethodSource("accepted")
  void sameConfigAsPicocli(String[] args) {
    Map<String, String> flags = ServeArgs.parse(args);
    assertNotNull(flags, String.join(" ", args));
    assertEquals(viaPicocli(args), ConfigLoader.load(flags, Map.of()), String.join(" ", args));
  }

  static Stream<Arguments> handedToPicocli() {
    return args(
        new String[] {"keys", "list"},
        new String[] {"--help"},
        new String[] {"-h"},
        new String[] {"--version"},
        new String[] {"--port"},
        new String[] {"--port", "--bind", "x"},
        new String[] {"--no-such-flag", "1"},
        new String[] {"--insecure-http", "true"},
        new String[] {"--port", "1", "--port", "2"},
        new String[] {"--"},
        new String[] {"serve"});
  }

  @ParameterizedTest
  @MethodSource("handedToPicocli")
  void leavesTheRestToPicocli(String[] args) {
    assertNull(ServeArgs.parse(args), String.join(" ", args));
  }

  private static Stream<Arguments> args(String[]... lists) {
    return Stream.of(lists).map(l -> Arguments.of((Object) l));
  }

  private static ServerConfig viaPicocli(String[] args) {
    CommandLine cli = Main.commandLine(Map.of());
    cli.parseArgs(args);
    return Main.config(cli.getCommandSpec());
  }
}
