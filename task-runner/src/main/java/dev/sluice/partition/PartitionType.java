package dev.sluice.partition;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;

/** How a job is cut into partitions, and which {@code {partition.*}} variables each kind has. */
public enum PartitionType {
    /** One partition per UTC day, key {@code 2026-11-01}; start/end are ISO dates, end exclusive. */
    DAILY("daily", List.of("start", "end", "start_time", "end_time")),
    /** One partition per UTC hour, key {@code 2026-11-01T05}; start/end are ISO instants. */
    HOURLY("hourly", List.of("start", "end", "date")),
    /** One partition per listed value, key = the value. */
    LIST("list", List.of("value")),
    /** N hash shards, key {@code 03-of-16}; index is 0-based. */
    SHARDS("shards", List.of("index", "count"));

    private final String name;
    private final List<String> variables;

    PartitionType(String name, List<String> variables) {
        this.name = name;
        this.variables = variables;
    }

    /** Names usable as {@code {partition.<name>}}; {@code {partition}} (the key) always works. */
    public List<String> variables() {
        return variables;
    }

    @JsonValue
    @Override
    public String toString() {
        return name;
    }

    @JsonCreator
    public static PartitionType of(String name) {
        for (PartitionType type : values()) {
            if (type.name.equals(name)) {
                return type;
            }
        }
        throw new IllegalArgumentException("partition type must be one of daily, hourly, list, shards");
    }
}
