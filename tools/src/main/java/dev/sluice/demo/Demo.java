package dev.sluice.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.Json;
import dev.sluice.db.Database;
import dev.sluice.db.EmbeddedDatabase;
import dev.sluice.db.Migrations;
import dev.sluice.job.JobSpec;
import dev.sluice.partition.Partition;
import dev.sluice.sandbox.Faults;
import dev.sluice.sandbox.LimitSpec;
import dev.sluice.sandbox.Sandbox;
import dev.sluice.sandbox.SandboxConfig;
import dev.sluice.sandbox.SandboxStats;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The guided tour: the main job's partitions run as separate {@code sluice run} processes against
 * the built-in sandbox API (strict limit, injected faults) and the embedded PostgreSQL; one run is
 * crashed on purpose and resumed; at the end every row is checked against the API's own records.
 */
public final class Demo {
    /** The sandbox's token; dags/jobs/orders.yaml uses it when SHOP_API_TOKEN is not set. */
    static final String TOKEN = "sandbox-token";

    private static final int RECORDS = 1200;

    private final JobSpec job;
    private final Path specFile;
    private final Path home;
    private final Path launcher;
    private final PrintStream out;
    private JobSpec enrichJob;
    private Path enrichSpec;

    public Demo(JobSpec job, Path specFile, Path home, Path launcher, PrintStream out) {
        this.job = job;
        this.specFile = specFile;
        this.home = home;
        this.launcher = launcher;
        this.out = out;
    }

    /**
     * Adds the per-record step: after the orders job, {@code enrichJob} (whose input reads the orders
     * job's table) enriches the customers of the latest partition.
     */
    public Demo withEnrichment(JobSpec enrichJob, Path enrichSpec) {
        this.enrichJob = enrichJob;
        this.enrichSpec = enrichSpec;
        return this;
    }

    /** Runs the demo; returns its result (also the JSON line the command prints last). */
    public Map<String, Object> run() throws IOException, InterruptedException {
        long started = System.nanoTime();
        double limit = job.limits().isEmpty()
                ? 0
                : job.limits().getFirst().parsedRates().getFirst().perSecond();
        Faults faults = Faults.NONE
                .withErrorRate(0.03)
                .withResetRate(0.01)
                .withMalformedRate(0.01)
                .withLatency(Duration.ofMillis(15), Duration.ofMillis(20));
        out.printf("Sluice demo: job %s from %s%n", job.name(), specFile);
        out.printf(
                "  embedded PostgreSQL in %s, sandbox API: strict %s, errors 3%%, connection resets 1%%, bad bodies 1%%%n",
                home.resolve("pgdata"),
                limit == 0
                        ? "no limit"
                        : "limit of " + job.limits().getFirst().rates().getFirst());
        try (EmbeddedDatabase db = EmbeddedDatabase.startShared(home, 0);
                Sandbox api = Sandbox.start(SandboxConfig.defaults()
                        .withToken(TOKEN)
                        .withRecordsPerPartition(RECORDS)
                        .withLimits(
                                job.limits().isEmpty()
                                        ? List.of()
                                        : List.of(LimitSpec.parse("window:"
                                                + job.limits()
                                                        .getFirst()
                                                        .rates()
                                                        .getFirst())))
                        .withFaults(faults));
                Database database = Database.open(db.settings(), "sluice demo")) {
            Migrations.migrate(database.dataSource());
            Map<String, String> env = Map.of(
                    "SLUICE_DB_URL",
                    db.settings().url(),
                    "SLUICE_DB_USER",
                    "postgres",
                    "SLUICE_SANDBOX_URL",
                    api.baseUrl(),
                    "SHOP_API_TOKEN",
                    TOKEN,
                    "SLUICE_LOG_FORMAT",
                    "text");
            Runs runs = new Runs(launcher, specFile, home.resolve("logs"), env);
            List<String> partitions = job.partitions().plan(null, null).stream()
                    .map(Partition::key)
                    .toList();
            Progress progress = new Progress(database, api, job.name(), partitions, limit, out);

            out.printf(
                    "%nStep 1: %d partitions at once, one process each, sharing limit %s%n",
                    partitions.size(),
                    job.limits().isEmpty() ? "(none)" : job.limits().getFirst().name());
            String crashed = partitions.get(Math.min(2, partitions.size() - 1));
            out.printf("  (%s is set to crash after its 8th page, like a container killed with SIGKILL)%n", crashed);
            Map<String, Runs.Outcome> first = runs.all(partitions, Map.of(crashed, "after_commit:8"), progress);
            progress.print();
            first.forEach((p, o) -> out.printf("  %s: %s%n", p, o.describe()));

            out.printf("%nStep 2: run what did not finish again; each resumes from its watermark%n");
            Map<String, Runs.Outcome> second = new LinkedHashMap<>();
            for (int round = 0; round < 5 && first.values().stream().anyMatch(o -> !o.done()); round++) {
                List<String> again = first.entrySet().stream()
                        .filter(e -> !e.getValue().done())
                        .map(Map.Entry::getKey)
                        .toList();
                Map<String, Runs.Outcome> rerun = runs.all(again, Map.of(), progress);
                rerun.forEach((p, o) -> out.printf("  %s: %s%n", p, o.describe()));
                first.putAll(rerun);
                second.putAll(rerun);
            }

            out.printf("%nStep 3: run every partition again: complete ones are a no-op%n");
            Map<String, Runs.Outcome> third = runs.all(partitions, Map.of(), null);
            long noops = third.values().stream()
                    .filter(o -> "already_complete".equals(o.status()))
                    .count();
            out.printf("  %d of %d partitions were already complete (0 API calls)%n", noops, partitions.size());

            SandboxStats pulled = api.stats(); // the orders job's figures, before the per-record step adds its own
            Map<String, Object> enriched = new LinkedHashMap<>();
            boolean enrichedExactly = enrichJob == null
                    || new EnrichStep(enrichJob, enrichSpec, out)
                            .run(
                                    api,
                                    database,
                                    new Runs(launcher, enrichSpec, home.resolve("logs"), env),
                                    List.of(partitions.getLast()),
                                    enriched);
            Map<String, Object> result =
                    report(database, api, pulled, partitions, first, second, limit, progress, started);
            result.putAll(enriched);
            if (!enrichedExactly) {
                result.put("demo", "failed");
            }
            result.put("duration_ms", (System.nanoTime() - started) / 1_000_000);
            out.printf(
                    "  %s in %.0f s%n",
                    "passed".equals(result.get("demo")) ? "Demo passed" : "Demo FAILED",
                    (System.nanoTime() - started) / 1e9);
            return result;
        }
    }

    private Map<String, Object> report(
            Database database,
            Sandbox api,
            SandboxStats stats,
            List<String> partitions,
            Map<String, Runs.Outcome> outcomes,
            Map<String, Runs.Outcome> reruns,
            double limit,
            Progress progress,
            long started) {
        Check check = Check.of(database, job, api, partitions);
        long calls = outcomes.values().stream()
                        .mapToLong(Runs.Outcome::apiCalls)
                        .sum()
                + reruns.values().stream().mapToLong(Runs.Outcome::apiCalls).sum();
        out.printf("%nResult%n");
        out.printf("  rows: %d in %s; %s%n", check.rows(), job.name(), check.describe());
        out.printf(
                "  API (orders): %d requests, %d answered 429, %d early after a 429, %d injected faults absorbed by retries%n",
                stats.requests(),
                stats.rateLimited(),
                stats.earlyAfter429(),
                stats.faults().values().stream().mapToLong(Long::longValue).sum());
        out.printf(
                "  shared limit: busiest second %d calls (limit %.0f/s); step 1 used %.0f%% of it from its first call to its last%n",
                stats.peakAdmittedPerSecond(), limit, progress.utilisation() * 100);
        out.printf(
                "  state: sluice status --job %s   (with SLUICE_DB_URL of `sluice db start --home %s`)%n",
                specFile, home);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("demo", check.exact() && stats.rateLimited() == 0 ? "passed" : "failed");
        result.put("job", job.name());
        result.put("partitions", partitions.size());
        result.put("rows", check.rows());
        result.put("rows_match_api", check.exact());
        result.put("api_requests", stats.requests());
        result.put("api_calls_by_runs", calls);
        result.put("http_429", stats.rateLimited());
        result.put("early_after_429", stats.earlyAfter429());
        result.put("faults_injected", stats.faults());
        result.put("peak_calls_per_second", stats.peakAdmittedPerSecond());
        result.put("limit_per_second", limit);
        result.put("utilisation", Math.round(progress.utilisation() * 1000) / 1000.0);
        result.put("duration_ms", (System.nanoTime() - started) / 1_000_000);
        return result;
    }

    /** The sink table compared with the API's records, partition by partition. */
    record Check(long rows, long expected, List<String> wrongPartitions) {
        boolean exact() {
            return rows == expected && wrongPartitions.isEmpty();
        }

        String describe() {
            return exact()
                    ? "every row matches the API's records exactly (no loss, no duplicate)"
                    : "MISMATCH in " + wrongPartitions + " (" + rows + " rows, expected " + expected + ")";
        }

        static Check of(Database database, JobSpec job, Sandbox api, List<String> partitions) {
            String table =
                    job.sink().table().orElseThrow(() -> new IllegalStateException("the demo job must write a table"));
            long rows = 0;
            long expected = 0;
            List<String> wrong = new ArrayList<>();
            for (String p : partitions) {
                List<String> loaded = database
                        .jdbi()
                        .withHandle(h -> h.createQuery("SELECT id || '|' || amount::text FROM " + table
                                        + " WHERE _sluice_partition = :p")
                                .bind("p", p)
                                .mapTo(String.class)
                                .list())
                        .stream()
                        .sorted()
                        .toList();
                List<String> truth = api.dataset().orders(p).stream()
                        .map(o -> o.id() + "|" + o.amount().toPlainString())
                        .sorted()
                        .toList();
                rows += loaded.size();
                expected += truth.size();
                if (!loaded.equals(truth)) {
                    wrong.add(p);
                }
            }
            return new Check(rows, expected, wrong);
        }
    }

    static JsonNode lastJson(List<String> lines) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            try {
                JsonNode node = Json.MAPPER.readTree(lines.get(i));
                if (node != null && node.isObject()) {
                    return node;
                }
            } catch (IOException e) {
                // not JSON: keep looking upwards
            }
        }
        return Json.MAPPER.createObjectNode();
    }
}
