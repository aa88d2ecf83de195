package dev.sluice.cli;

import java.util.Map;

/**
 * The environment commands read settings from: the process environment, unless
 * {@link Main#execute(Map, String...)} gave another (selftest and tests run commands in process).
 * The entry point is the only place that touches this global; commands (also those a
 * {@link CommandProvider} adds) read it through {@link #current()}.
 */
public final class Environment {
    private static final ThreadLocal<Map<String, String>> OVERRIDE = new ThreadLocal<>();

    private Environment() {}

    /** The environment of the command running on this thread. */
    public static Map<String, String> current() {
        Map<String, String> env = OVERRIDE.get();
        return env != null ? env : System.getenv();
    }

    static void use(Map<String, String> env) {
        OVERRIDE.set(env == null ? null : Map.copyOf(env));
    }
}
