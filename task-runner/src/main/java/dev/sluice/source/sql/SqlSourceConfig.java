package dev.sluice.source.sql;

import dev.sluice.config.SpecCheck;
import dev.sluice.config.SpecField;
import dev.sluice.source.sql.internal.SqlText;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code source: {type: sql}}: the rows of a query over the Sluice database, in key order.
 *
 * @param query            one SELECT (or WITH ... SELECT); the partition's variables are named
 *                         parameters ({@code :partition}, {@code :start}...), bound by the driver,
 *                         never spliced into the text
 * @param key              the column that identifies a record: unique within the partition, never
 *                         null; also the order records are read in
 * @param pageSize         rows per page (default 500)
 * @param statementTimeout the longest one page's statement may run (default 1m)
 */
public record SqlSourceConfig(String query, String key, Integer pageSize, Duration statementTimeout) {
    /** The most rows one page may ask for. */
    public static final int MAX_PAGE_SIZE = 10_000;

    /** Words that only appear in statements that write or lock: data-modifying CTEs, SELECT INTO. */
    private static final Set<String> WRITING = Set.of("insert", "update", "delete", "merge", "into");

    private static final Set<String> QUERY_STARTS = Set.of("select", "with", "values");

    public SqlSourceConfig {
        pageSize = pageSize == null ? 500 : pageSize;
        statementTimeout = statementTimeout == null ? Duration.ofMinutes(1) : statementTimeout;
    }

    /** Where the fields are written, for messages at run time. */
    public record Fields(SpecField query, SpecField key, SpecField statementTimeout) {}

    /** Checks every rule of this section, reporting all problems; needs no database. */
    void check(SpecCheck check, Set<String> partitionVariables) {
        checkQuery(check, partitionVariables);
        if (key == null || key.isBlank()) {
            check.fail(
                    "key",
                    "is required: the column that identifies a record (unique in the partition), e.g. "
                            + "key: customer_id");
        }
        check.require(pageSize >= 1 && pageSize <= MAX_PAGE_SIZE, "page_size", "must be from 1 to " + MAX_PAGE_SIZE);
        check.require(statementTimeout.isPositive(), "statement_timeout", "must be more than 0s");
    }

    private void checkQuery(SpecCheck check, Set<String> partitionVariables) {
        if (query == null || query.isBlank()) {
            check.fail(
                    "query",
                    "is required, e.g. query: SELECT id, amount FROM orders WHERE day = CAST(:start AS " + "date)");
            return;
        }
        SqlText text;
        try {
            text = SqlText.read(query);
        } catch (SqlText.Unreadable e) {
            check.fail("query", "cannot be read: " + e.getMessage());
            return;
        }
        List<String> problems = new ArrayList<>(statementProblems(text));
        problems.addAll(variableProblems(text, variables(partitionVariables)));
        problems.forEach(p -> check.fail("query", p));
    }

    private static List<String> statementProblems(SqlText text) {
        List<String> problems = new ArrayList<>();
        if (text.secondStatement()) {
            problems.add("holds more than one statement; give one SELECT (a ; may only end it)");
        }
        boolean select = text.first() == '('
                || (!text.words().isEmpty()
                        && QUERY_STARTS.contains(text.words().getFirst()));
        if (!select) {
            problems.add("must be one SELECT (or WITH ... SELECT) query: a sql source only reads");
        }
        List<String> writing = writingWords(text.words());
        if (!writing.isEmpty()) {
            problems.add("writes or locks (" + String.join(", ", writing).toUpperCase(Locale.ROOT) + "): the query "
                    + "must only read (a column named like one of these can be written quoted, e.g. \"update\")");
        }
        if (!text.positional().isEmpty()) {
            problems.add("uses " + text.positional().getFirst() + "; name partition variables instead, e.g. :start");
        }
        return problems;
    }

    private static List<String> writingWords(List<String> words) {
        Set<String> found = new LinkedHashSet<>();
        for (int i = 0; i < words.size(); i++) {
            String word = words.get(i);
            if (WRITING.contains(word)) {
                found.add(word);
            } else if (word.equals("for")
                    && i + 1 < words.size()
                    && Set.of("share", "key", "no").contains(words.get(i + 1))) {
                found.add("for " + words.get(i + 1));
            }
        }
        return List.copyOf(found);
    }

    private static List<String> variableProblems(SqlText text, Set<String> known) {
        List<String> problems = new ArrayList<>();
        Set<String> unknown = new LinkedHashSet<>();
        text.parameters().stream()
                .map(SqlText.Parameter::name)
                .filter(n -> !known.contains(n))
                .forEach(unknown::add);
        unknown.forEach(name -> problems.add(":" + name + " is not a variable of this job's partitions; use "
                + String.join(", ", known.stream().map(k -> ":" + k).toList())));
        if (text.parameters().isEmpty()) {
            problems.add("uses no partition variable, so every partition would read the same records; filter by "
                    + "one of "
                    + String.join(", ", known.stream().map(k -> ":" + k).toList())
                    + ", e.g. WHERE _sluice_partition = :partition");
        }
        return problems;
    }

    private static Set<String> variables(Set<String> partitionVariables) {
        Set<String> known = new LinkedHashSet<>();
        known.add("partition");
        partitionVariables.stream().sorted().forEach(known::add);
        return known;
    }
}
