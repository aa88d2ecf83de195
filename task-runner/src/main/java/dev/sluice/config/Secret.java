package dev.sluice.config;

import java.util.Objects;

/**
 * A value that must never be shown: tokens, passwords, API keys. Its {@link #toString()} is a
 * mask, so a secret that slips into a log line, span, summary or exception message shows
 * {@value #MASK}; only the code that puts it on the wire calls {@link #reveal()}.
 */
public final class Secret {
    public static final String MASK = "****";

    private final String value;

    public Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
        SecretRegistry.register(value);
    }

    /** The secret itself, for the one place that sends it (an HTTP header, a JDBC login). */
    public String reveal() {
        return value;
    }

    public boolean isEmpty() {
        return value.isEmpty();
    }

    @Override
    public String toString() {
        return MASK;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Secret s && s.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }
}
