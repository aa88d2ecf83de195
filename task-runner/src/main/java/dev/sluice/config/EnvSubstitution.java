package dev.sluice.config;

import dev.sluice.Masking;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${NAME}} and {@code ${NAME:-default}} in spec values with environment variables,
 * the way shells and docker-compose do; {@code $${} writes a literal {@code ${}}. This is how
 * secrets reach a spec without being written in it. Any other {@code ${} (unterminated, or not a
 * variable name) is an error, never literal text: a typo must not send {@code ${API_TOKEN} as the
 * token.
 */
final class EnvSubstitution {
    private static final Pattern BODY =
            Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)(?::-((?:(?!\\$\\{).)*))?", Pattern.DOTALL);
    private static final Pattern REFERENCE = Pattern.compile("\\$\\$\\{|\\$\\{([A-Za-z_][A-Za-z0-9_]*)[:}]");
    private static final String FORMS = "write ${NAME} or ${NAME:-default} (NAME: letters, digits and _, not "
            + "starting with a digit), or $${ for a literal ${";

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

    /** Thrown when a {@code ${} does not form a reference; the message is the rule. */
    static final class Malformed extends Exception {
        Malformed(String rule) {
            super(rule, null, false, false);
        }
    }

    /** True when the text references at least one variable. */
    static boolean references(String text) {
        return text.contains("${");
    }

    /** The variables a text (as written) refers to, in order, for messages about their values. */
    static List<String> variables(String written) {
        List<String> names = new ArrayList<>();
        if (written == null) {
            return names;
        }
        Matcher m = REFERENCE.matcher(written);
        while (m.find()) {
            if (m.group(1) != null && !names.contains(m.group(1))) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    String resolve(String text) throws MissingVariable, Malformed {
        StringBuilder out = new StringBuilder(text.length());
        int at = 0;
        while (at < text.length()) {
            int dollar = text.indexOf('$', at);
            if (dollar < 0) {
                out.append(text, at, text.length());
                break;
            }
            out.append(text, at, dollar);
            if (text.startsWith("$${", dollar)) {
                out.append("${");
                at = dollar + 3;
            } else if (text.startsWith("${", dollar)) {
                at = reference(text, dollar, out);
            } else {
                out.append('$');
                at = dollar + 1;
            }
        }
        return out.toString();
    }

    /** Appends the value of the reference at {@code start}; returns where the text goes on. */
    private int reference(String text, int start, StringBuilder out) throws MissingVariable, Malformed {
        int close = text.indexOf('}', start + 2);
        if (close < 0) {
            throw new Malformed("\"${\" at character " + (start + 1) + " is not closed with }; " + FORMS);
        }
        String body = text.substring(start + 2, close);
        Matcher m = BODY.matcher(body);
        if (!m.matches()) {
            throw new Malformed("\"${" + shortened(body) + "}\" is not a variable reference; " + FORMS);
        }
        out.append(value(m.group(1), m.group(2)));
        return close + 1;
    }

    private String value(String name, String fallback) throws MissingVariable {
        String value = env.apply(name);
        if (value != null && !value.isEmpty()) {
            if (Masking.isSensitiveName(name)) {
                Masking.register(value); // masked wherever it lands, e.g. a key in a URL path
            }
            return value;
        }
        if (fallback != null) {
            return fallback;
        }
        if (value != null) {
            return value;
        }
        throw new MissingVariable(name);
    }

    private static String shortened(String body) {
        return body.length() > 40 ? body.substring(0, 37) + "..." : body;
    }
}
