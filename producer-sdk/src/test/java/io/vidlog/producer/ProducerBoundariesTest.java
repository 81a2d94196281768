package io.vidlog.producer;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The producer SDK's module rule of docs/architecture.md §Modules and data flow, checked on this
 * module's compiled main classes: no Vert.x, Netty or minio-java, and nothing of the server side
 * (fragment-store, server, the Vert.x part of kvs). It lives here rather than in the server's
 * ModuleBoundariesTest because this module's end-to-end tests depend on the server, and Maven
 * refuses a dependency cycle even between test scopes.
 */
class ProducerBoundariesTest {
  private static final JavaClasses CLASSES = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .withImportOption(location -> !location.contains("-tests.jar") && !location.contains("/test-classes/"))
      .importPackages("io.vidlog.producer");

  @Test
  void producerSdkHasNoVertxAndNoServerSide() {
    noClasses().that().resideInAPackage("io.vidlog.producer..")
        .should().dependOnClassesThat().resideInAnyPackage("io.vertx..", "io.netty..", "io.minio..",
            "io.vidlog.fragmentstore..", "io.vidlog.ingest..", "io.vidlog.playback..", "io.vidlog.server..",
            "io.vidlog.kvs.http..")
        .check(CLASSES);
  }
}
