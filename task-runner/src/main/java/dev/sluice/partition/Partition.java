package dev.sluice.partition;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One unit of a job that Airflow runs and retries alone: a day, an hour, a value, a hash shard.
 *
 * @param key       the stable name ({@code 2026-11-01}, {@code 2026-11-01T05}, {@code eu},
 *                  {@code 03-of-16}); watermarks and leases are keyed by it
 * @param variables what {@code {partition.*}} templates in a spec may use, e.g. {@code start},
 *                  {@code end}, {@code value}, {@code index}, {@code count}
 */
public record Partition(String key, Map<String, String> variables) {
    public Partition {
        variables = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(variables));
    }

    /** The value of {@code {partition}} or {@code {partition.<name>}}; null when unknown. */
    public String variable(String name) {
        return name.isEmpty() ? key : variables.get(name);
    }
}
