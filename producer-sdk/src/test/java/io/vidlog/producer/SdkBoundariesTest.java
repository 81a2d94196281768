package io.vidlog.producer;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The producer SDK's module rule (docs/architecture.md §Modules and data flow, rule 9): it runs in
 * cameras and applications, so it needs neither a server stack nor native code. Checked here, on the
 * compiled main classes, because this module's tests start the server (the server's
 * ModuleBoundariesTest cannot see producer-sdk without a dependency cycle).
 */
class SdkBoundariesTest {
  private static final JavaClasses SDK = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("io.vidlog.producer");

  @Test
  void producerSdkNeedsNoServerStack() {
    noClasses().that().resideInAPackage("io.vidlog.producer..")
        .should().dependOnClassesThat().resideInAnyPackage("io.vertx..", "io.netty..", "io.vidlog.fragmentstore..",
            "io.vidlog.ingest..", "io.vidlog.playback..", "io.vidlog.server..", "io.vidlog.kvs.http..")
        .check(SDK);
  }

  /** Pure Java: no native methods and no native libraries loaded (the KVS Java producer's JNI is what users trip on). */
  @Test
  void producerSdkHasNoJni() {
    methods().that().areDeclaredInClassesThat().resideInAPackage("io.vidlog.producer..")
        .should().notHaveModifier(JavaModifier.NATIVE)
        .check(SDK);
    noClasses().that().resideInAPackage("io.vidlog.producer..")
        .should().callMethod(System.class, "loadLibrary", String.class)
        .orShould().callMethod(System.class, "load", String.class)
        .orShould().callMethod(Runtime.class, "loadLibrary", String.class)
        .orShould().callMethod(Runtime.class, "load", String.class)
        .check(SDK);
  }
}
