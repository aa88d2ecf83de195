package dev.sluice.functional;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.Json;
import dev.sluice.sandbox.SandboxConfig;
import dev.sluice.testing.JobFixture;
import dev.sluice.testing.SluiceProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a run's start pays for (issue 11 §5): a real {@code sluice run} process loads no class of
 * the paths it does not take, and the start-up trace and the logging set up in code behave as
 * documented. Speed itself is measured by {@code make bench-startup}, never asserted here.
 */
class StartupTest {
    private static JobFixture job;

    @BeforeAll
    static void start() {
        job = JobFixture.start(
                "startup", SandboxConfig.defaults().withLimits(List.of()).withRecordsPerPartition(40), 20, "");
    }

    @AfterAll
    static void stop() {
        job.close();
    }

    @Test
    void a_run_loads_neither_picocli_nor_the_otel_sdk_nor_an_xml_parser(@TempDir Path dir) throws IOException {
        Path classes = dir.resolve("classes.txt");

        SluiceProcess.Result run = job.start(
                        "2026-11-01",
                        Map.of("SLUICE_AOT", "off", "SLUICE_JAVA_OPTS", "-Xlog:class+load=info:file=" + classes))
                .await(java.time.Duration.ofMinutes(3));

        assertThat(run.exit()).as(run.describe()).isZero();
        List<String> loaded = Files.readAllLines(classes);
        assertThat(loaded)
                .as("the log of loaded classes")
                .anyMatch(l -> l.contains(" dev.sluice.run.PartitionRunner "));
        assertThat(loaded).noneMatch(l -> l.contains(" picocli."));
        assertThat(loaded).noneMatch(l -> l.contains(" io.opentelemetry.sdk."));
        assertThat(loaded).noneMatch(l -> l.contains(" javax.xml.parsers."));
    }

    /**
     * JFR is off in a run (Jdbi would register its statement event at the first statement, which
     * initialises JFR in every process), without the deprecated flag's warning on stderr, and
     * {@code -XX:+FlightRecorder} brings it back. A plain-HTTP API (the sandbox here) sets up no TLS.
     */
    @Test
    void jfr_stays_uninitialised_unless_asked_for(@TempDir Path dir) throws IOException {
        Path off = dir.resolve("off.txt");
        Path on = dir.resolve("on.txt");

        SluiceProcess.Result plain = job.start(
                        "2026-11-20", Map.of("SLUICE_JAVA_OPTS", "-Xlog:class+init=info:file=" + off))
                .await(java.time.Duration.ofMinutes(3));
        SluiceProcess.Result asked = job.start(
                        "2026-11-21",
                        Map.of("SLUICE_JAVA_OPTS", "-XX:+FlightRecorder -Xlog:class+init=info:file=" + on))
                .await(java.time.Duration.ofMinutes(3));

        assertThat(plain.exit()).as(plain.describe()).isZero();
        assertThat(asked.exit()).as(asked.describe()).isZero();
        assertThat(Files.readString(off))
                .contains("dev/sluice/run/PartitionRunner")
                .doesNotContain("jdk/jfr/internal/MetadataLoader")
                .as("a plain-HTTP API builds no TLS context")
                .doesNotContain("sun/security/ssl/SSLContextImpl");
        assertThat(Files.readString(on)).contains("jdk/jfr/internal/MetadataLoader");
        assertThat(plain.stderr()).doesNotContain("deprecated").doesNotContain("FlightRecorder");
        assertThat(SluiceProcess.run(Map.of(), "--version").stderr()).isEmpty();
    }

    /**
     * Every start maps and loads every class the AOT cache holds, so the cache is trained on a run
     * that finds the schema current (as production runs do): it holds no Flyway class.
     */
    @Test
    void the_aot_cache_holds_no_flyway_class(@TempDir Path dir) throws IOException {
        Path classes = dir.resolve("classes.txt");

        SluiceProcess.Result run = job.start(
                        "2026-11-04",
                        Map.of("SLUICE_AOT", "on", "SLUICE_JAVA_OPTS", "-Xlog:class+load=info:file=" + classes))
                .await(java.time.Duration.ofMinutes(3));

        assertThat(run.exit()).as(run.describe()).isZero();
        List<String> loaded = Files.readAllLines(classes);
        assertThat(loaded)
                .as("classes loaded from the AOT cache")
                .anyMatch(l -> l.contains(" dev.sluice.run.PartitionRunner source: shared objects file"));
        assertThat(loaded).noneMatch(l -> l.contains(" org.flywaydb."));
    }

    /**
     * The JVM was seen to map a cache older than a rebuilt jar and run the cache's stale copies of
     * changed classes (NoSuchMethodError): the launcher uses a cache only if it is newer than the jar.
     */
    @Test
    void an_aot_cache_older_than_the_jar_is_never_used(@TempDir Path dir) throws IOException {
        Path stale = dir.resolve("stale.aot");
        Files.writeString(stale, "not a cache: mapping it would fail loudly");
        Files.setLastModifiedTime(stale, java.nio.file.attribute.FileTime.fromMillis(0));

        SluiceProcess.Result auto = SluiceProcess.run(Map.of("SLUICE_AOT_CACHE", stale.toString()), "--version");
        SluiceProcess.Result on =
                SluiceProcess.run(Map.of("SLUICE_AOT", "on", "SLUICE_AOT_CACHE", stale.toString()), "--version");

        assertThat(auto.exit()).as(auto.describe()).isZero();
        assertThat(auto.stderr())
                .as("auto skips it without a word from the JVM")
                .doesNotContainIgnoringCase("aot");
        assertThat(on.exit()).as(on.describe()).isEqualTo(70);
        assertThat(on.stderr()).contains("older than").contains("make aot");
    }

    @Test
    void the_startup_trace_names_each_phase_up_to_the_first_api_request() {
        SluiceProcess.Result run = job.start("2026-11-02", Map.of("SLUICE_STARTUP_TRACE", "1"), "--force")
                .await(java.time.Duration.ofMinutes(3));

        assertThat(run.exit()).as(run.describe()).isZero();
        List<String> phases = run.stderr()
                .lines()
                .filter(l -> l.startsWith("startup "))
                .map(l -> l.substring(l.indexOf(": ") + 2))
                .toList();
        assertThat(phases)
                .containsSubsequence("main", "spec loaded", "database open", "lease claimed", "first API request");
        List<Double> millis = run.stderr()
                .lines()
                .filter(l -> l.startsWith("startup "))
                .map(l -> Double.parseDouble(l.substring(8, l.indexOf(" ms")).trim()))
                .toList();
        assertThat(millis).isSorted().allMatch(ms -> ms > 0 && ms < 600_000);
    }

    @Test
    void logs_are_json_events_on_stderr_at_the_level_asked_for() throws IOException {
        SluiceProcess.Result info =
                job.start("2026-11-03", Map.of("SLUICE_LOG_FORMAT", "json")).await(java.time.Duration.ofMinutes(3));
        SluiceProcess.Result warn = job.start(
                        "2026-11-03", Map.of("SLUICE_LOG_FORMAT", "json", "SLUICE_LOG_LEVEL", "WARN"), "--force")
                .await(java.time.Duration.ofMinutes(3));

        assertThat(info.exit()).as(info.describe()).isZero();
        List<String> lines =
                info.stderr().lines().filter(l -> l.startsWith("{")).toList();
        assertThat(lines).isNotEmpty();
        for (String line : lines) {
            JsonNode event = Json.MAPPER.readTree(line);
            assertThat(event.has("message") && event.has("level") && event.has("@timestamp"))
                    .as(line)
                    .isTrue();
            assertThat(event.has("thread_name") || event.has("level_value") || event.has("@version"))
                    .as(line)
                    .isFalse();
        }
        assertThat(lines).anyMatch(l -> l.contains("\"level\":\"INFO\"") && l.contains("claimed with epoch"));
        assertThat(info.stderr()).doesNotContain(JobFixture.TOKEN);
        assertThat(warn.exit()).as(warn.describe()).isZero();
        assertThat(warn.stderr()).doesNotContain("\"level\":\"INFO\"");
    }
}
