package dev.sluice.sink.postgres.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.db.Database;
import dev.sluice.testing.TestPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A page's column as a text[] parameter: PostgreSQL reads back exactly the values, in binary and in text form. */
class TextArrayTest {
    private static final List<List<String>> COLUMNS = List.of(
            List.of(),
            List.of(""),
            Arrays.asList((String) null),
            Arrays.asList("a", null, "b"),
            List.of("plain", "with \"quotes\"", "back\\slash", "{braces},commas", "NULL", " spaced ", "tab\tnew\nline"),
            List.of("ü é 日本 😀", "\u00ff\u0100", "x".repeat(70_000)));
    private static Database db;

    @BeforeAll
    static void database() {
        db = TestPostgres.migratedDatabase("text_array");
    }

    @AfterAll
    static void close() {
        db.close();
    }

    /** {@code binary}: as pgjdbc sends it by default; otherwise the text form pgjdbc falls back to when told to. */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void postgresql_reads_every_value_back_exactly(boolean binary) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", db.settings().user());
        if (!binary) {
            properties.setProperty("binaryTransferDisable", "1009"); // text[]
        }
        try (Connection c = DriverManager.getConnection(db.settings().url(), properties);
                PreparedStatement s =
                        c.prepareStatement("SELECT CAST(? AS text[]) AS a, cardinality(CAST(? AS text[])) AS n")) {
            for (List<String> column : COLUMNS) {
                List<String[]> rows = new ArrayList<>();
                column.forEach(v -> rows.add(new String[] {"other", v}));
                s.setObject(1, new TextArray(rows, 1));
                s.setObject(2, new TextArray(rows, 1));
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    assertThat((String[]) rs.getArray("a").getArray()).containsExactlyElementsOf(column);
                    assertThat(rs.getInt("n")).isEqualTo(column.size());
                }
            }
        }
    }
}
