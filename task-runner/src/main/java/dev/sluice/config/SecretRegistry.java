package dev.sluice.config;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every secret value this process has loaded, so that output paths (log encoders, error messages,
 * summaries) can mask one that slipped into a text despite {@link Secret}'s masked toString.
 * Defence in depth: code never relies on it to keep secrets out.
 */
public final class SecretRegistry {
    private static final Set<String> VALUES = ConcurrentHashMap.newKeySet();

    private SecretRegistry() {}

    /** Remembers a secret value; very short values are ignored (masking them would mangle text). */
    public static void register(String value) {
        if (value != null && value.length() >= 4) {
            VALUES.add(value);
        }
    }

    /** The text with every known secret replaced by {@value Secret#MASK}. */
    public static String mask(String text) {
        if (text == null || VALUES.isEmpty()) {
            return text;
        }
        String out = text;
        for (String value : VALUES) {
            if (out.contains(value)) {
                out = out.replace(value, Secret.MASK);
            }
        }
        return out;
    }
}
