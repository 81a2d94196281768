package io.vidlog.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The module rules of docs/architecture.md §Modules and data flow, checked on the compiled classes of every
 * module on this module's classpath: data flows one way, ingest and playback meet only in
 * fragment-store, only fragment-store sees minio-java, the KVS vocabulary has one home (the kvs
 * module, Vert.x-free outside its http package), fragment-store knows no HTTP and only the cluster
 * package's Hazelcast classes see Hazelcast.
 */
class ModuleBoundariesTest {
  private static final JavaClasses CLASSES = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      // other modules' test-jars (shared test fixtures) are test code too
      .withImportOption(location -> !location.contains("-tests.jar") && !location.contains("/test-classes/"))
      .importPackages("io.vidlog");

  @Test
  void mediaIsALeafLibrary() {
    noClasses().that().resideInAPackage("io.vidlog.media..")
        .should().dependOnClassesThat().resideInAnyPackage("io.vertx..", "io.minio..", "io.vidlog.fragmentstore..",
            "io.vidlog.ingest..", "io.vidlog.playback..", "io.vidlog.server..", "io.vidlog.producer..",
            "io.vidlog.kvs..")
        .check(CLASSES);
  }

  @Test
  void fragmentStoreKnowsNoProtocol() {
    noClasses().that().resideInAPackage("io.vidlog.fragmentstore..")
        .should().dependOnClassesThat().resideInAnyPackage("io.vertx.ext.web..", "io.vidlog.ingest..",
            "io.vidlog.playback..", "io.vidlog.server..", "io.vidlog.producer..", "io.vidlog.kvs.http..",
            "io.vidlog.kvs.sigv4..")
        .check(CLASSES);
  }

  /** fragment-store keeps storage semantics: no AWS error type (each carries its HTTP status), no HTTP status. */
  @Test
  void fragmentStoreKnowsNoHttpStatusOrAwsError() {
    noClasses().that().resideInAPackage("io.vidlog.fragmentstore..")
        .should().dependOnClassesThat().haveFullyQualifiedName("io.vidlog.kvs.KvsError")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("io.vidlog.kvs.KvsException")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("io.vidlog.kvs.Invalid")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("io.netty.handler.codec.http.HttpResponseStatus")
        .check(CLASSES);
  }

  /** The KVS vocabulary's plain part is usable without Vert.x (the producer SDK uses it). */
  @Test
  void kvsVocabularyOutsideItsHttpPackageHasNoVertx() {
    noClasses().that().resideInAPackage("io.vidlog.kvs..").and().resideOutsideOfPackage("io.vidlog.kvs.http..")
        .should().dependOnClassesThat().resideInAnyPackage("io.vertx..", "io.netty..", "io.vidlog.fragmentstore..",
            "io.vidlog.media..", "io.vidlog.ingest..", "io.vidlog.playback..", "io.vidlog.server..")
        .check(CLASSES);
    noClasses().that().resideInAPackage("io.vidlog.kvs..")
        .should().dependOnClassesThat().resideInAnyPackage("io.vidlog.fragmentstore..", "io.vidlog.media..",
            "io.vidlog.ingest..", "io.vidlog.playback..", "io.vidlog.server..", "io.vidlog.producer..")
        .check(CLASSES);
  }

  /**
   * One home for ARNs and stream-name rules: no main source outside the kvs module spells an ARN
   * pattern, the stream-name character class or the retention maximum (the old copies did).
   */
  @Test
  void arnsAndNameRulesHaveOneHome() throws IOException {
    Pattern copies = Pattern.compile("kinesisvideo:\\[|stream/\\(|stream/\\[|a-zA-Z0-9_|87_?600");
    Path root = Path.of("").toAbsolutePath().getParent();
    List<String> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java")
          && f.toString().contains("/src/main/") && !f.startsWith(root.resolve("kvs"))
          && !f.toString().contains("/target/"))::iterator) {
        List<String> lines = Files.readAllLines(f);
        for (int i = 0; i < lines.size(); i++) {
          if (copies.matcher(lines.get(i)).find()) {
            found.add(root.relativize(f) + ":" + (i + 1) + ": " + lines.get(i).strip());
          }
        }
      }
    }
    assertEquals(List.of(), found, "ARN and stream-name rules belong to io.vidlog.kvs (StreamArn, StreamRules)");
  }

  /** Authorization is decided by the route declarations and the Caller, never by reading a principal directly. */
  @Test
  void handlersAuthorizeThroughTheirCaller() {
    noClasses().that().resideInAnyPackage("io.vidlog.ingest..", "io.vidlog.playback..", "io.vidlog.server.control..")
        .should().dependOnClassesThat().haveFullyQualifiedName("io.vidlog.kvs.Principal")
        .check(CLASSES);
  }

  @Test
  void ingestAndPlaybackNeverMeetDirectly() {
    noClasses().that().resideInAPackage("io.vidlog.ingest..")
        .should().dependOnClassesThat().resideInAnyPackage("io.vidlog.playback..", "io.vidlog.server..")
        .check(CLASSES);
    noClasses().that().resideInAPackage("io.vidlog.playback..")
        .should().dependOnClassesThat().resideInAnyPackage("io.vidlog.ingest..", "io.vidlog.server..")
        .check(CLASSES);
  }

  @Test
  void onlyFragmentStoreImportsMinio() {
    noClasses().that().resideOutsideOfPackage("io.vidlog.fragmentstore..")
        .should().dependOnClassesThat().resideInAPackage("io.minio..")
        .check(CLASSES);
  }

  /**
   * Hazelcast is touched only by the cluster package's Hazelcast classes, which the launcher reaches
   * only with {@code --cluster}: a single node never loads it (ClusterIT checks the loading itself).
   */
  @Test
  void onlyTheClusterPackagesHazelcastClassesTouchHazelcast() {
    noClasses().that().haveNameNotMatching("io\\.vidlog\\.server\\.cluster\\.Hazelcast.*")
        .should().dependOnClassesThat().resideInAnyPackage("com.hazelcast..", "io.vertx.spi.cluster.hazelcast..")
        .check(CLASSES);
  }
}
