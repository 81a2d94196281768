package io.vidlog.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The module rules of DESIGN.md ("Modules and data flow"), checked on the compiled classes of every
 * module on this module's classpath: data flows one way, ingest and playback meet only in
 * fragment-store, and only fragment-store sees minio-java.
 */
class ModuleBoundariesTest {
  private static final JavaClasses CLASSES = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("io.vidlog");

  @Test
  void mediaIsALeafLibrary() {
    noClasses().that().resideInAPackage("io.vidlog.media..")
        .should().dependOnClassesThat().resideInAnyPackage("io.vertx..", "io.minio..", "io.vidlog.fragmentstore..",
            "io.vidlog.ingest..", "io.vidlog.playback..", "io.vidlog.server..", "io.vidlog.producer..")
        .check(CLASSES);
  }

  @Test
  void fragmentStoreKnowsNoProtocol() {
    noClasses().that().resideInAPackage("io.vidlog.fragmentstore..")
        .should().dependOnClassesThat().resideInAnyPackage("io.vertx.ext.web..", "io.vidlog.ingest..",
            "io.vidlog.playback..", "io.vidlog.server..", "io.vidlog.producer..")
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

  @Test
  void producerSdkHasNoVertx() {
    noClasses().that().resideInAPackage("io.vidlog.producer..")
        .should().dependOnClassesThat().resideInAnyPackage("io.vertx..", "io.vidlog.fragmentstore..",
            "io.vidlog.server..")
        .check(CLASSES);
  }
}
