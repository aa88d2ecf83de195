package dev.sluice.config;

import dev.sluice.Masking;
import java.util.Objects;

/**
 * A value that must never be shown: tokens, passwords, API keys. Its {@link #toString()} is a
 * mask, so a secret that slips into a log line, span, summary or exception message shows
 * {@value #MASK}; only the code that puts it on the wire calls {@link #reveal()}.
 */
public final class Secret {
    public static final String MASK = Masking.MASK;

    private final String value;

    public Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
        Masking.register(value);
    }

    /**
     * Why a secret value cannot be used as it is, or null when it can: whitespace around it (the
     * usual trace of a mounted secret file or an {@code echo}) or a control character in it. Secrets
     * are sent exactly as given, so such a value would fail the login or break the request; it is
     * refused at load instead, and the phrase never contains the value.
     */
    public static String flaw(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        char last = value.charAt(value.length() - 1);
        if (isBlank(last)) {
            return "ends with " + describe(last);
        }
        if (isBlank(value.charAt(0))) {
            return "starts with " + describe(value.charAt(0));
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\n' || c == '\r') {
                return "contains a line break (a secret is one line)";
            }
            if (Character.isISOControl(c)) {
                return "contains a control character (U+" + String.format("%04X", (int) c) + ")";
            }
        }
        return null;
    }

    private static boolean isBlank(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || Character.isISOControl(c);
    }

    private static String describe(char c) {
        return switch (c) {
            case '\n' -> "a newline";
            case '\r' -> "a carriage return";
            case '\t' -> "a tab";
            case ' ' -> "a space";
            default -> "an invisible character (U+" + String.format("%04X", (int) c) + ")";
        };
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
