package dev.sluice.config;

/**
 * A field of a loaded spec, kept for messages at run time: a failure that only the database or
 * the input can reveal (a query PostgreSQL refuses, a file that changed) still names the field
 * and where it is written, as load-time problems do.
 *
 * @param path  the dotted field path, e.g. {@code source.query}
 * @param place {@code file:line} of the field (or of its closest ancestor written in the file)
 */
public record SpecField(String path, String place) {
    @Override
    public String toString() {
        return path + " (" + place + ")";
    }
}
