package dev.sluice.source.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.config.JobSpecException;
import dev.sluice.job.JobSpec;
import dev.sluice.job.JobSpecLoader;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What {@code validate} decides about a sql source without a database: the query's shape and variables. */
class SqlSourceConfigTest {
    private static JobSpec load(String query) {
        return new JobSpecLoader(Map.of())
                .load("jobs/t.yaml", """
                job: t
                partitions: {type: daily}
                source:
                  type: sql
                  key: id
                  query: |
                %s
                sink: {type: postgres, table: t, key: [id], columns: {id: {path: $.id}}}
                """.formatted(query.indent(4).stripTrailing()));
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of(
                        "no partition variable",
                        "SELECT id FROM orders",
                        "uses no partition variable, so every partition would read the same records; filter by one "
                                + "of :partition, :end, :end_time, :start, :start_time"),
                Arguments.of(
                        "a variable the partitions lack",
                        "SELECT id FROM orders WHERE region = :value AND day = :start",
                        ":value is not a variable of this job's partitions; use :partition, :end"),
                Arguments.of(
                        "a second statement",
                        "SELECT id FROM orders WHERE day = :start; DROP TABLE orders",
                        "holds more than one statement"),
                Arguments.of(
                        "a data-modifying WITH",
                        "WITH gone AS (DELETE FROM orders WHERE day = :start RETURNING id) SELECT id FROM gone",
                        "writes or locks (DELETE): the query must only read"),
                Arguments.of(
                        "SELECT INTO, which creates a table",
                        "SELECT id INTO copy FROM orders WHERE day = :start",
                        "writes or locks (INTO)"),
                Arguments.of(
                        "a locking clause",
                        "SELECT id FROM orders WHERE day = :start FOR UPDATE",
                        "writes or locks (UPDATE)"),
                Arguments.of(
                        "FOR SHARE",
                        "SELECT id FROM orders WHERE day = :start FOR KEY SHARE",
                        "writes or locks (FOR KEY)"),
                Arguments.of(
                        "not a query",
                        "DELETE FROM orders WHERE day = :start",
                        "must be one SELECT (or WITH ... SELECT) query"),
                Arguments.of(
                        "an unterminated string",
                        "SELECT id FROM orders WHERE day = :start AND note = 'open",
                        "cannot be read: a string literal opened at character"),
                Arguments.of(
                        "an unterminated dollar quote",
                        "SELECT $x$ a FROM orders WHERE day = :start",
                        "cannot be read: a dollar-quoted string $x$ opened at character 8 is not closed"),
                Arguments.of(
                        "an unterminated comment",
                        "SELECT id FROM orders WHERE day = :start /* /* nested */",
                        "cannot be read: a comment opened at character"),
                Arguments.of(
                        "positional parameters",
                        "SELECT id FROM orders WHERE day = $1 AND day = :start",
                        "uses $1; name partition variables instead"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void validate_refuses_the_query_naming_the_field_its_line_and_the_rule(String name, String query, String rule) {
        assertThatThrownBy(() -> load(query))
                .isInstanceOf(JobSpecException.class)
                .hasMessageContaining("source.query = ")
                .hasMessageContaining("(jobs/t.yaml:6): " + rule);
    }

    static Stream<Arguments> accepted() {
        return Stream.of(
                Arguments.of("a cast", "SELECT id FROM orders WHERE day = :start::date"),
                Arguments.of("a trailing semicolon and comment", "SELECT id FROM orders WHERE day = :start; -- done"),
                Arguments.of(
                        "words and colons inside literals, identifiers and comments",
                        "SELECT id, 'DELETE; :x' AS a, \"update\", $$INSERT ; :y$$ AS b, E'it\\'s :z' AS c\n"
                                + "FROM orders /* UPDATE /* nested */ ; */ WHERE day = :start -- ; INTO :w"),
                Arguments.of("WITH", "WITH o AS (SELECT * FROM orders WHERE day = :start) SELECT id FROM o"),
                Arguments.of("parentheses", "(SELECT id FROM orders WHERE day = CAST(:start AS date))"),
                Arguments.of(
                        "a named argument and an array slice",
                        "SELECT id, (ARRAY[1,2,3])[1:2] AS s, make_interval(days => 1) FROM orders WHERE day = :start"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("accepted")
    void validate_accepts(String name, String query) {
        JobSpec spec = load(query);

        assertThat(spec.source().describe()).contains("sql query").contains("keyed and ordered by id");
        assertThat(spec.source().recordKey()).contains("id");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedFields")
    void validate_refuses_the_other_fields(String find, String replace, String message) {
        String yaml = """
                job: t
                partitions: {type: daily}
                source: {type: sql, key: id, query: "SELECT id FROM o WHERE day = :start"}
                sink: {type: postgres, table: t, key: [id], columns: {id: {path: $.id}}}
                """.replace(find, replace);

        assertThatThrownBy(() -> new JobSpecLoader(Map.of()).load("jobs/t.yaml", yaml))
                .isInstanceOf(JobSpecException.class)
                .hasMessageContaining(message);
    }

    static Stream<Arguments> refusedFields() {
        return Stream.of(
                Arguments.of("key: id, ", "", "source.key (jobs/t.yaml:3): is required"),
                Arguments.of(
                        "key: id",
                        "key: id, page_size: 0",
                        "source.page_size = \"0\" (jobs/t.yaml:3): must be from 1 to 10000"),
                Arguments.of(
                        "key: id",
                        "key: id, statement_timeout: 0s",
                        "source.statement_timeout = \"0s\" (jobs/t.yaml:3): must be more than 0s"),
                Arguments.of("key: id", "key: id, url: x", "source.url (jobs/t.yaml:3): unknown field"));
    }
}
