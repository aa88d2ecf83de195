package dev.sluice.sandbox;

import java.util.Locale;

/**
 * How a malformed per-record answer is broken. The status stays what it would have been (201, 200):
 * only the body is wrong.
 */
public enum MalformedKind {
    /** Not JSON at all: an HTML error page, still labelled {@code application/json}. */
    NOT_JSON,
    /** A JSON object that holds only {@code customer_id}: every other field is missing. */
    MISSING_FIELDS,
    /** The right fields, but every number and boolean is a string ({@code "n/a"}, {@code "yes"}). */
    WRONG_TYPE,
    /** One of the three above, chosen per id (see {@link #forId}). */
    MIXED;

    /** Lower-case name used in options and the admin API, e.g. {@code not_json}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a {@link #label()}, any case. */
    public static MalformedKind parse(String text) {
        for (MalformedKind kind : values()) {
            if (kind.label().equalsIgnoreCase(text == null ? "" : text.trim())) {
                return kind;
            }
        }
        throw new SandboxConfigException(
                "malformed kind = \"" + text + "\": must be not_json, missing_fields, wrong_type or mixed");
    }

    /**
     * The kind a malformed answer for {@code id} has: this kind, or for {@link #MIXED}
     * {@code [NOT_JSON, MISSING_FIELDS, WRONG_TYPE][unsigned(fnv1a64(id)) % 3]}.
     */
    public MalformedKind forId(String id) {
        return this != MIXED ? this : values()[(int) Long.remainderUnsigned(IdHash.fnv(id), 3)];
    }
}
