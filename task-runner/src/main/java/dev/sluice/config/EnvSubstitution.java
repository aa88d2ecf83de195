package dev.sluice.config;

import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${NAME}} and {@code ${NAME:-default}} in spec values with environment variables,
 * the way shells and docker-compose do; {@code $${} writes a literal {@code ${}}. This is how
 * secrets reach a spec without being written in it.
 */
final class EnvSubstitution {
    private static final Pattern REFERENCE = Pattern.compile("\\$\\$\\{|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

    private final Function<String, String> env;

    EnvSubstitution(Map<String, String> env) {
        this.env = env::get;
    }

    /** Thrown when a referenced variable is unset and has no default. */
    static final class MissingVariable extends Exception {
        final String name;

        MissingVariable(String name) {
            super(name, null, false, false);
            this.name = name;
        }
    }

    /** True when the text references at least one variable. */
    static boolean references(String text) {
        return text.contains("${");
    }

    String resolve(String text) throws MissingVariable {
        Matcher m = REFERENCE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(replacement(m)));
        }
        m.appendTail(out);
        return out.toString();
    }

    private String replacement(Matcher m) throws MissingVariable {
        if (m.group().equals("$${")) {
            return "${";
        }
        String value = env.apply(m.group(1));
        if (value != null && !value.isEmpty()) {
            return value;
        }
        if (m.group(2) != null) {
            return m.group(2);
        }
        if (value != null) {
            return value;
        }
        throw new MissingVariable(m.group(1));
    }
}
