package dev.sluice.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.jdbi.v3.core.statement.ColonPrefixSqlParser;
import org.jdbi.v3.core.statement.ParsedSql;
import org.junit.jupiter.api.Test;

/** The plain scan reads every statement as Jdbi's ANTLR-based {@link ColonPrefixSqlParser} does. */
class ColonParametersTest {
    private static final ColonPrefixSqlParser JDBI = new ColonPrefixSqlParser();

    @Test
    void reads_named_and_positional_parameters_like_jdbi() {
        assertThat(ColonParameters.parse("SELECT * FROM t WHERE a = :a AND b = :b_2.x")
                        .getParameters()
                        .getParameterNames())
                .containsExactly("a", "b_2.x");
        assertThat(ColonParameters.parse("UPDATE t SET x = ? WHERE y = ?")
                        .getParameters()
                        .isPositional())
                .isTrue();
        assertThat(ColonParameters.parse("SELECT :w::text, '{:not}'::jsonb ?? 'k' /* :no */")
                        .getSql())
                .isEqualTo("SELECT ?::text, '{:not}'::jsonb ?? 'k' /* :no */");
    }

    @Test
    void agrees_with_jdbi_on_statements_and_their_edge_cases() {
        List<String> corpus = List.of(
                "SELECT job, partition_key FROM sluice_partition WHERE job = :job AND partition_key = :partition",
                "INSERT INTO t (a, b) SELECT * FROM unnest(:a::text[], :b::bigint[]) ON CONFLICT (a) DO UPDATE SET b = EXCLUDED.b",
                "SELECT coalesce(max(version::int), 0) FROM h WHERE success AND version ~ '^[0-9]+$'",
                "SELECT doc ?| array['a'] , doc ?? 'x', doc @> '{\"k\": 1}'::jsonb WHERE x = ?",
                "SELECT 'it''s :x' , E'a\\'b :y' , \"col:z\" , \"\" , :after",
                "SELECT /* :c */ 1 /* open",
                "SELECT 1 -- :c ?\n, :d // :e\r\n:f",
                "a - -:x -",
                "a/ /:x//",
                "SELECT ':' || :x || '::' || ::y",
                "a:::b",
                ":",
                "?",
                "::",
                "??",
                "???",
                "\\:escaped \\? \\\\",
                "trailing \\",
                "'unterminated :x",
                "\"unterminated :x",
                ":a?.b :a?b :a?",
                ":$x :_y :9z",
                ":名前 :é",
                "x = :p#q",
                "/*/ :x */",
                "'\\'",
                "'a\\' :x",
                "'a\\' :x '");
        for (String sql : corpus) {
            assertSameAsJdbi(sql);
        }
    }

    @Test
    void agrees_with_jdbi_on_random_text() {
        String alphabet = "ab_$.#9 :::??''\"\"\\\\/**/--\n\r,()é名\uD83D\uDE00\uD800";
        Random random = new Random(20261202);
        for (int n = 0; n < 20_000; n++) {
            StringBuilder sql = new StringBuilder();
            int length = random.nextInt(24);
            for (int i = 0; i < length; i++) {
                sql.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            assertSameAsJdbi(sql.toString());
        }
    }

    private static void assertSameAsJdbi(String sql) {
        String theirs = outcome(() -> JDBI.parse(sql, null));
        String ours = outcome(() -> ColonParameters.parse(sql));
        assertThat(ours).as("parsing %s", sql).isEqualTo(theirs);
    }

    /** The SQL the driver gets and the parameters, or the exception a statement mixing both kinds raises. */
    private static String outcome(java.util.function.Supplier<ParsedSql> parse) {
        try {
            ParsedSql parsed = parse.get();
            return parsed.getSql() + " | positional=" + parsed.getParameters().isPositional() + " names="
                    + parsed.getParameters().getParameterNames() + " count="
                    + parsed.getParameters().getParameterCount();
        } catch (RuntimeException e) {
            return e.getClass().getName() + ": " + e.getMessage();
        }
    }
}
