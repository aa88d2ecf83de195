package dev.sluice.job;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.breaker.BreakerConfig;
import dev.sluice.config.JobSpecException;
import dev.sluice.config.SpecBinder;
import dev.sluice.config.SpecCheck;
import dev.sluice.config.SpecDocument;
import dev.sluice.config.SpecSection;
import dev.sluice.config.Specs;
import dev.sluice.partition.PartitionSpec;
import dev.sluice.ratelimit.LimitConfig;
import dev.sluice.recordcall.CallSpec;
import dev.sluice.retry.RetryConfig;
import dev.sluice.sink.SinkDefinition;
import dev.sluice.sink.SinkProvider;
import dev.sluice.source.SourceDefinition;
import dev.sluice.source.SourceProvider;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Loads a job spec: YAML with {@code ${ENV}} substitution, each section bound to its records and
 * checked. Fails with one {@link JobSpecException} listing every problem with its file:line,
 * before anything connects or writes.
 */
public final class JobSpecLoader {
    /** Top-level fields; {@code airflow} belongs to the DAG side and is not read here. */
    static final List<String> TOP_LEVEL = List.of(
            "job",
            "description",
            "partitions",
            "source",
            "input",
            "call",
            "sink",
            "limits",
            "retry",
            "breaker",
            "runner",
            "dead_letters",
            "airflow");

    private static final Pattern JOB_NAME = Pattern.compile("[a-z][a-z0-9_]{0,49}");
    private static final Map<String, String> EXAMPLES = Map.of(
            "job", "the job's name, e.g. job: orders",
            "partitions", "e.g. partitions: {type: daily}",
            "source",
                    "e.g. source: {type: http, url: https://api.example.com/v1/orders}"
                            + " (or, for a per-record job, input: and call:)",
            "sink", "e.g. sink: {type: postgres, table: orders, key: [id], columns: {id: {path: $.id}}}");

    private final Map<String, String> env;
    private final Map<String, SourceProvider> sources = providers(SourceProvider.class, SourceProvider::type);
    private final Map<String, SinkProvider> sinks = providers(SinkProvider.class, SinkProvider::type);

    public JobSpecLoader(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /** Loads and validates a spec file. */
    public JobSpec load(Path file) {
        return load(Specs.parse(file, env));
    }

    /** Loads and validates spec text (tests, embedded specs). */
    public JobSpec load(String name, String yaml) {
        return load(Specs.parse(name, yaml, env));
    }

    private JobSpec load(SpecDocument document) {
        SpecBinder binder = new SpecBinder(document);
        SpecCheck check = new SpecCheck(document);
        checkTopLevel(document, check);
        String name = bindOr(binder, check, "/job", String.class, null);
        String description = bindOr(binder, check, "/description", String.class, null);
        PartitionSpec partitions = bindOr(binder, check, "/partitions", PartitionSpec.class, null);
        RunnerConfig runner = bindOr(binder, check, "/runner", RunnerConfig.class, RunnerConfig.DEFAULTS);
        DeadLettersConfig deadLetters =
                bindOr(binder, check, "/dead_letters", DeadLettersConfig.class, DeadLettersConfig.DEFAULTS);
        List<LimitConfig> limits = limits(binder, check);
        RetryConfig retry = bindOr(binder, check, "/retry", RetryConfig.class, RetryConfig.DEFAULTS);
        BreakerConfig breaker = bindOr(binder, check, "/breaker", BreakerConfig.class, BreakerConfig.DEFAULTS);
        if (name != null && !JOB_NAME.matcher(name).matches()) {
            check.fail("job", "must be 1-50 lower-case letters, digits or _, starting with a letter");
        }
        if (partitions != null) {
            partitions.check(check.at("/partitions"));
        }
        Set<String> variables = partitions == null || partitions.type() == null
                ? Set.of()
                : Set.copyOf(partitions.type().variables());
        boolean perRecord = !document.at("/input").isMissingNode();
        SourceDefinition source =
                component(binder, check, perRecord ? "/input" : "/source", sources, variables, SourceProvider::define);
        CallSpec call = callSpec(binder, check, document, source, variables, limits);
        SinkDefinition sink = component(binder, check, "/sink", sinks, variables, SinkProvider::define);
        if (runner != null) {
            runner.check(check.at("/runner"));
        }
        if (deadLetters != null) {
            deadLetters.check(check.at("/dead_letters"));
        }
        if (retry != null) {
            retry.check(check.at("/retry"));
        }
        if (breaker != null) {
            breaker.check(check.at("/breaker"));
        }
        check.throwIfAny();
        return new JobSpec(
                name,
                description,
                document.file(),
                partitions,
                source,
                sink,
                runner,
                deadLetters,
                limits,
                retry,
                breaker,
                call);
    }

    /** {@code call:} of a per-record job, checked against its input; null for a pull job. */
    private static CallSpec callSpec(
            SpecBinder binder,
            SpecCheck check,
            SpecDocument document,
            SourceDefinition input,
            Set<String> variables,
            List<LimitConfig> limits) {
        boolean hasInput = !document.at("/input").isMissingNode();
        boolean hasCall = !document.at("/call").isMissingNode();
        if (hasInput && !document.at("/source").isMissingNode()) {
            check.fail(
                    "input", "a job has either source: (a pull job) or input: and call: (a per-record job), not both");
        }
        if (hasInput != hasCall) {
            check.fail(
                    hasInput ? "input" : "call",
                    "a per-record job needs both input: (its records) and call: "
                            + "(the request per record), e.g. call: {method: POST, url: https://api.example.com/v1/x/{record.id}, "
                            + "body: \"{record}\"}");
        }
        if (!hasCall) {
            return null;
        }
        CallSpec call = bindOr(binder, check, "/call", CallSpec.class, null);
        if (call == null) {
            return null;
        }
        Optional<Set<String>> fields = input == null ? Optional.empty() : input.recordFields();
        call.check(check.at("/call"), variables, fields, limits == null ? List.of() : limits);
        if (input != null && call.key() == null && input.recordKey().isEmpty()) {
            check.at("/call")
                    .fail(
                            "key",
                            "is required: this input has no key; name the record field that "
                                    + "identifies a record, e.g. key: id");
        }
        if (call.key() != null && fields.isPresent() && !fields.get().contains(call.key())) {
            check.at("/call").fail("key", "the input's records have no field " + call.key());
        }
        return call;
    }

    private static void checkTopLevel(SpecDocument document, SpecCheck check) {
        document.root().fieldNames().forEachRemaining(field -> {
            if (!TOP_LEVEL.contains(field)) {
                String hint = TOP_LEVEL.stream()
                        .filter(k -> SpecBinder.distance(k, field) <= 2)
                        .findFirst()
                        .map(k -> " (did you mean " + k + "?)")
                        .orElse("");
                check.fail(field, "unknown field" + hint + "; known fields: " + String.join(", ", TOP_LEVEL));
            }
        });
        boolean perRecord =
                !document.at("/input").isMissingNode() || !document.at("/call").isMissingNode();
        for (String required : List.of("job", "partitions", "source", "sink")) {
            if (required.equals("source") && perRecord) {
                continue;
            }
            JsonNode node = document.at("/" + required);
            if (node.isMissingNode() || node.isNull()) {
                check.fail(required, "is required; " + EXAMPLES.get(required));
            }
        }
    }

    private static List<LimitConfig> limits(SpecBinder binder, SpecCheck check) {
        JsonNode node = binder.document().at("/limits");
        if (node.isMissingNode() || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            check.fail("limits", "must be a list, e.g. limits: [{name: crm-prod, rates: [50/1s]}]");
            return List.of();
        }
        List<LimitConfig> limits = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            LimitConfig limit = bindOr(binder, check, "/limits/" + i, LimitConfig.class, null);
            if (limit != null) {
                limit.check(check.at("/limits/" + i));
                if (limit.name() != null && !names.add(limit.name())) {
                    check.at("/limits/" + i).fail("name", "is listed twice");
                }
                limits.add(limit);
            }
        }
        return List.copyOf(limits);
    }

    private static <T> T bindOr(SpecBinder binder, SpecCheck check, String pointer, Class<T> type, T absent) {
        if (binder.document().at(pointer).isMissingNode()) {
            return absent;
        }
        try {
            T value = binder.bind(pointer, type);
            return value == null ? absent : value;
        } catch (JobSpecException e) {
            e.problems().forEach(check::add);
            return null;
        }
    }

    private static <P, D> D component(
            SpecBinder binder,
            SpecCheck check,
            String pointer,
            Map<String, P> providers,
            Set<String> variables,
            BiFunction<P, SpecSection, D> define) {
        JsonNode node = binder.document().at(pointer);
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        JsonNode type = node.get("type");
        if (type == null || !type.isTextual()) {
            check.at(pointer).fail("type", "is required: one of " + String.join(", ", providers.keySet()));
            return null;
        }
        P provider = providers.get(type.asText());
        if (provider == null) {
            check.at(pointer)
                    .fail(
                            "type",
                            "unknown; known types: " + String.join(", ", providers.keySet())
                                    + " (others come from plugin jars on SLUICE_PLUGINS)");
            return null;
        }
        try {
            return define.apply(provider, new SpecSection(binder, pointer, check, variables));
        } catch (JobSpecException e) {
            e.problems().forEach(check::add);
            return null;
        }
    }

    private static <P> Map<String, P> providers(Class<P> type, Function<P, String> name) {
        Map<String, P> out = new TreeMap<>();
        ServiceLoader.load(type).forEach(p -> out.put(name.apply(p), p));
        return out;
    }
}
