package dev.sluice.sandbox;

import java.util.Locale;

/** Whether {@code POST /v1/customers/{id}/enrichment} honours idempotency keys. */
public enum IdempotencyMode {
    /** The first request with a key applies the effect; repeats replay its answer and apply nothing. */
    HONOUR,
    /** Keys are seen and counted but not honoured: every request applies the effect. */
    IGNORE;

    /** Lower-case name used in options and the admin API. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code honour} (or {@code honor}) and {@code ignore}, any case. */
    public static IdempotencyMode parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "honour", "honor" -> HONOUR;
            case "ignore" -> IGNORE;
            default -> throw new SandboxConfigException("idempotency = \"" + text + "\": must be honour or ignore");
        };
    }
}
