package dev.sluice.source.file;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How a {@code type: file} source's records are written. */
public enum FileFormat {
    /** JSON Lines: one JSON object per line. */
    JSONL("jsonl"),
    /** CSV with a header row (RFC 4180: quoted fields may hold delimiters, quotes doubled, line breaks). */
    CSV("csv");

    private final String name;

    FileFormat(String name) {
        this.name = name;
    }

    /** The format a file name's extension says ({@code .jsonl}, {@code .ndjson}, {@code .csv}), or null. */
    static FileFormat ofExtension(String path) {
        String lower = path.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) {
            return JSONL;
        }
        return lower.endsWith(".csv") ? CSV : null;
    }

    @JsonValue
    @Override
    public String toString() {
        return name;
    }

    @JsonCreator
    public static FileFormat of(String name) {
        for (FileFormat format : values()) {
            if (format.name.equals(name)) {
                return format;
            }
        }
        throw new IllegalArgumentException("format must be jsonl or csv");
    }
}
