package dev.sluice.telemetry;

import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The {@code OTEL_*} variables of a command's environment as the SDK's property names
 * ({@code OTEL_EXPORTER_OTLP_HEADERS} → {@code otel.exporter.otlp.headers}). Autoconfigure reads
 * the process environment itself; passing these as overrides makes it honour the environment a
 * command was given instead (in-process runs, tests), which in a normal process is the same.
 */
final class OtelVariables {
    private OtelVariables() {}

    static Map<String, String> properties(Map<String, String> env) {
        return env.entrySet().stream()
                .filter(e -> e.getKey().startsWith("OTEL_") && e.getValue() != null)
                .collect(Collectors.toMap(
                        e -> e.getKey().toLowerCase(Locale.ROOT).replace('_', '.'), Map.Entry::getValue));
    }
}
