package dev.sluice.source.sql.internal;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The column names of a query's outermost select list, where the text alone tells them: every item
 * a column ({@code c}, {@code t.c}) or aliased ({@code expr AS name}). A {@code *}, a {@code WITH},
 * an item without a name: unknowable, and nothing is claimed.
 */
public final class SelectList {
    private static final Pattern HEAD = Pattern.compile("(?is)\\s*select\\s+(?:distinct\\s+)?(.*)");
    private static final Pattern COLUMN = Pattern.compile("(?i)(?:[a-z_][a-z0-9_]*\\.)?([a-z_][a-z0-9_]*)");
    private static final Pattern ALIASED = Pattern.compile("(?is).*\\s+as\\s+\"?([a-z_][a-z0-9_]*)\"?");

    private SelectList() {}

    /** The names, or empty when the text does not tell them. */
    public static Optional<Set<String>> names(String query) {
        Matcher head = query == null ? null : HEAD.matcher(query);
        if (head == null || !head.matches()) {
            return Optional.empty();
        }
        String rest = head.group(1);
        Set<String> names = new LinkedHashSet<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < rest.length(); i++) {
            char c = rest.charAt(i);
            if (c == '\'' || c == '"') {
                return Optional.empty(); // quoted text in the list: too clever to read safely here
            }
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            boolean from = depth == 0
                    && rest.regionMatches(true, i, "from", 0, 4)
                    && (i == 0 || Character.isWhitespace(rest.charAt(i - 1)))
                    && (i + 4 == rest.length() || !Character.isLetterOrDigit(rest.charAt(i + 4)));
            if (depth == 0 && (c == ',' || from)) {
                if (!add(names, rest.substring(start, i).trim())) {
                    return Optional.empty();
                }
                start = i + 1;
                if (from) {
                    return Optional.of(names);
                }
            }
        }
        return Optional.empty();
    }

    private static boolean add(Set<String> names, String item) {
        Matcher aliased = ALIASED.matcher(item);
        if (aliased.matches()) {
            names.add(aliased.group(1).toLowerCase(Locale.ROOT));
            return true;
        }
        Matcher column = COLUMN.matcher(item);
        if (column.matches()) {
            names.add(column.group(1).toLowerCase(Locale.ROOT));
            return true;
        }
        return false;
    }
}
