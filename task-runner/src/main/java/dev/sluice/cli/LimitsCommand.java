package dev.sluice.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.sluice.UsageException;
import dev.sluice.call.CallGates;
import dev.sluice.config.Durations;
import dev.sluice.history.BreakerView;
import dev.sluice.history.LimitView;
import dev.sluice.history.LimitViews;
import dev.sluice.history.SeriesPoint;
import dev.sluice.job.JobSpec;
import dev.sluice.job.JobSpecLoader;
import dev.sluice.ratelimit.LimitConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sluice limits}: the shared limits and breakers now, and what went through each lately. Read-only. */
@Command(
        mixinStandardHelpOptions = true,
        name = "limits",
        description = "Show the shared limits (permits available now, pause, configuration and version), their "
                + "calls, 429s and permit waits over the last --window (every process together), and the breakers.")
final class LimitsCommand extends ViewCommand<LimitsCommand.Limits> {
    private static final String ROW = "%-24s %-22s %5s %9s %-20s %8s %6s %9s %10s";
    static final Duration MAX_WINDOW = Duration.ofDays(7);

    @Option(
            names = "--job",
            paramLabel = "FILE",
            description = "Only the limits and the breaker of this job spec (default: every limit).")
    Path file;

    @Option(
            names = "--window",
            defaultValue = "15m",
            paramLabel = "DURATION",
            description = "Sum the history over this last stretch (default 15m, at most 7d).")
    String window;

    @Option(names = "--series", description = "With --json: each limit's seconds in the window, oldest first.")
    boolean series;

    @Option(names = "--json", description = "One JSON object on stdout instead of a table.")
    boolean json;

    private JobSpec spec;
    private Duration length;

    /** What the command shows: each limit with its totals (and seconds), and the breakers. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Limits(String job, String window, List<Limit> limits, List<BreakerView> breakers) {}

    /** A limit now, and its history summed over the window. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Limit(LimitView limit, SeriesPoint recent, List<SeriesPoint> seconds) {}

    @Override
    String prepare() {
        try {
            length = Durations.parse(window);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--window \"" + window + "\": " + e.getMessage());
        }
        if (!length.isPositive() || length.compareTo(MAX_WINDOW) > 0) {
            throw new UsageException("--window must be more than 0s and at most 7d, not " + window);
        }
        if (file != null) {
            spec = new JobSpecLoader(Environment.current()).load(file);
        }
        return "sluice limits" + (spec == null ? "" : " " + spec.name());
    }

    @Override
    Limits read(Jdbi jdbi) {
        LimitViews views = new LimitViews(jdbi);
        List<String> names = spec == null
                ? null
                : spec.limits().stream().map(LimitConfig::name).toList();
        List<String> breakers = spec == null ? null : List.of(CallGates.breakerName(spec));
        List<LimitView> limits = views.limits(names);
        Instant to = limits.isEmpty()
                ? Instant.now()
                : limits.getFirst().observedAt().plusSeconds(1);
        Instant from = to.minus(length);
        Map<String, SeriesPoint> totals =
                views.totals(names, from).stream().collect(Collectors.toMap(SeriesPoint::limit, Function.identity()));
        List<Limit> out = new ArrayList<>();
        for (LimitView l : limits) {
            SeriesPoint recent = totals.getOrDefault(l.name(), new SeriesPoint(l.name(), from, 0, 0, 0, 0, 0));
            out.add(new Limit(l, recent, series ? views.series(l.name(), from, to) : null));
        }
        return new Limits(spec == null ? null : spec.name(), Durations.format(length), out, views.breakers(breakers));
    }

    @Override
    boolean json() {
        return json;
    }

    @Override
    Object json(Limits data) {
        return data;
    }

    @Override
    void table(Limits data) {
        Console.line(String.format(
                ROW,
                "LIMIT",
                "RATES/QUOTAS",
                "VER",
                "AVAILABLE",
                "PAUSED UNTIL",
                "CALLS",
                "429",
                "PERMITS",
                "WAIT_MS"));
        for (Limit l : data.limits()) {
            LimitView v = l.limit();
            List<String> bandwidths = new ArrayList<>(v.rates());
            bandwidths.addAll(v.quotas());
            Console.line(String.format(
                    ROW,
                    HistoryOptions.cell(v.name(), 24),
                    HistoryOptions.cell(String.join(",", bandwidths), 22),
                    v.version(),
                    v.available() == null ? "" : v.available(),
                    v.pausedUntil() == null ? "" : v.pausedUntil(),
                    l.recent().calls(),
                    l.recent().http429(),
                    l.recent().permits(),
                    Math.round(l.recent().permitWaitMs())));
        }
        Console.line("");
        String breakerRow = "%-24s %-9s %8s %-20s  %s";
        Console.line(String.format(breakerRow, "BREAKER", "STATE", "FAILURES", "OPEN UNTIL", "LAST ERROR"));
        for (BreakerView b : data.breakers()) {
            Console.line(String.format(
                    breakerRow,
                    HistoryOptions.cell(b.name(), 24),
                    b.state(),
                    b.failures(),
                    b.openUntil() == null ? "" : b.openUntil(),
                    HistoryOptions.cell(b.lastError(), 80)));
        }
        Console.line("(calls, 429s, permits and waits: the last " + data.window() + ", every process together)");
    }
}
