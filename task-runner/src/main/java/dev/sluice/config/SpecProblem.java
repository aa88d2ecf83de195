package dev.sluice.config;

import dev.sluice.Masking;

/**
 * One thing wrong in a job spec.
 *
 * @param path  the field, as a dotted path ({@code sink.columns.amount.type})
 * @param place {@code file:line}, or just the file when the line is unknown
 * @param value the offending value as written (already masked if it came from a secret), or null
 * @param rule  what the value must be, phrased as a fix
 */
public record SpecProblem(String path, String place, String value, String rule) {
    @Override
    public String toString() {
        String field = path.isEmpty() ? "(document)" : path;
        String shown = value == null ? "" : " = " + quote(value);
        return field + shown + " (" + place + "): " + rule;
    }

    private static String quote(String value) {
        String masked = Masking.mask(value); // before the cut, so that no part of a secret shows
        String shortened = masked.length() > 80 ? masked.substring(0, 77) + "..." : masked;
        return "\"" + shortened.replace("\n", "\\n") + "\"";
    }
}
