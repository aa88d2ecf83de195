package dev.sluice;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;

/**
 * The house style's package rules, checked on the runner's compiled classes: capabilities
 * ({@code dev.sluice.<capability>}) form no cycles, the root package ({@code Outcome},
 * {@code SluiceException}, {@code ResumeHint}, {@code Sleeper}, {@code Json}) depends on no
 * capability, an {@code internal} package is used only by its own capability, and only
 * {@code sluice serve} reaches the admin server and its web stack (a run never loads them).
 */
@AnalyzeClasses(packages = "dev.sluice", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    @ArchTest
    static final ArchRule capabilities_form_no_cycles =
            slices().matching("dev.sluice.(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule the_root_package_depends_on_no_capability = noClasses()
            .that()
            .resideInAPackage("dev.sluice")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("dev.sluice.(*)..");

    @ArchTest
    static final ArchRule internal_packages_are_used_only_by_their_capability =
            classes().that().resideInAPackage("..internal..").should(beUsedOnlyWithin("their capability"));

    /**
     * A run never loads Javalin or Jetty: only the admin server uses them, and only serve starts it.
     * (The sandbox, a module of its own on the test classpath, serves its fake API with Javalin.)
     */
    @ArchTest
    static final ArchRule only_the_admin_server_uses_javalin = noClasses()
            .that()
            .resideOutsideOfPackages("dev.sluice.admin..", "dev.sluice.sandbox..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("io.javalin..", "org.eclipse.jetty..");

    /** The serve command and the replays it hands the server are the admin package's only users. */
    @ArchTest
    static final ArchRule only_serve_starts_the_admin_server = noClasses()
            .that()
            .resideOutsideOfPackages("dev.sluice.admin..")
            .and()
            .doNotHaveSimpleName("ServeCommand")
            .and()
            .doNotHaveSimpleName("ServedReplays")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("dev.sluice.admin..");

    @ArchTest
    static final ArchRule only_serve_makes_the_servers_replays = noClasses()
            .that()
            .doNotHaveSimpleName("ServeCommand")
            .and()
            .doNotHaveSimpleName("ServedReplays")
            .should()
            .dependOnClassesThat()
            .haveSimpleName("ServedReplays");

    private static ArchCondition<JavaClass> beUsedOnlyWithin(String what) {
        return new ArchCondition<>("be used only within " + what) {
            @Override
            public void check(JavaClass internal, ConditionEvents events) {
                String capability = capabilityOf(internal.getPackageName());
                for (Dependency use : internal.getDirectDependenciesToSelf()) {
                    String user = use.getOriginClass().getPackageName();
                    if (!user.equals(capability) && !user.startsWith(capability + ".")) {
                        events.add(SimpleConditionEvent.violated(use, use.getDescription()));
                    }
                }
            }
        };
    }

    /** {@code dev.sluice.sink.postgres.internal.x} belongs to {@code dev.sluice.sink.postgres}. */
    private static String capabilityOf(String internalPackage) {
        return internalPackage.substring(0, internalPackage.indexOf(".internal"));
    }
}
