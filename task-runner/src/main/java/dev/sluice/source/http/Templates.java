package dev.sluice.source.http;

import dev.sluice.config.SpecCheck;
import dev.sluice.partition.Partition;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code {partition}} and {@code {partition.<name>}} in URLs and parameters. */
public final class Templates {
    private static final Pattern VARIABLE = Pattern.compile("\\{partition(?:\\.([a-z_]+))?}");

    private Templates() {}

    /** Reports variables the job's partitions do not have. */
    public static void check(String text, Set<String> known, SpecCheck check, String field) {
        if (text == null) {
            return;
        }
        Matcher m = VARIABLE.matcher(text);
        while (m.find()) {
            if (m.group(1) != null && !known.contains(m.group(1))) {
                check.fail(
                        field,
                        "{partition." + m.group(1) + "} is not a variable of this job's partitions; use "
                                + String.join(", ", names(known)));
            }
        }
    }

    /** Replaces the variables with the partition's values. */
    public static String render(String text, Partition partition) {
        Matcher m = VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = partition.variable(m.group(1) == null ? "" : m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(value == null ? "" : value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The text with every variable replaced by a harmless value, to validate URLs at load. */
    static String placeholder(String text) {
        return VARIABLE.matcher(text).replaceAll("x");
    }

    private static Set<String> names(Set<String> known) {
        Set<String> names = new TreeSet<>();
        names.add("{partition}");
        known.forEach(k -> names.add("{partition." + k + "}"));
        return names;
    }
}
