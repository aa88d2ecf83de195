package dev.sluice.sink.postgres.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.db.Database;
import dev.sluice.sink.postgres.ColumnType;
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

/**
 * A page's column as an array parameter: PostgreSQL reads back exactly the values, in binary and in
 * pgjdbc's text fallback; timestamps sent as microseconds are the values their text would have become.
 */
class ColumnArrayTest {
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
                s.setObject(1, new ColumnArray(ColumnType.TEXT, rows, 1));
                s.setObject(2, new ColumnArray(ColumnType.TEXT, rows, 1));
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    assertThat((String[]) rs.getArray("a").getArray()).containsExactlyElementsOf(column);
                    assertThat(rs.getInt("n")).isEqualTo(column.size());
                }
            }
        }
    }

    /**
     * Every timestamp the sink can send (UTC, 0-9 fraction digits, years 1-9999), as microseconds
     * and as text: PostgreSQL must see equal values. Random ones plus the rounding edges (half a
     * microsecond either way, a fraction that rounds into the next second, year and day ends).
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void timestamps_as_microseconds_equal_their_text(boolean binary) throws SQLException {
        List<String> values = new ArrayList<>(List.of(
                "2000-01-01T00:00:00Z",
                "1999-12-31T23:59:59.9999995Z",
                "1999-12-31T23:59:59.9999994999Z",
                "2026-11-01T10:00:00.0000005Z",
                "2026-11-01T10:00:00.0000015Z",
                "2026-11-01T10:00:00.0000025Z",
                "2026-11-01T10:00:00.123456789Z",
                "2026-11-01T10:00:00.5Z",
                "0001-01-01T00:00:00Z",
                "0001-01-01T00:00:00.000000001Z",
                "1969-12-31T23:59:59.999999Z",
                "9999-12-31T23:59:59.999999999Z",
                "2024-02-29T12:00:00.999Z"));
        java.util.Random random = new java.util.Random(20261202);
        for (int i = 0; i < 5000; i++) {
            java.time.Instant instant = java.time.Instant.ofEpochSecond(
                    -62_135_596_800L + (long) (random.nextDouble() * 315_537_897_599L), random.nextInt(1_000_000_000));
            String text = instant.toString();
            int digits = random.nextInt(10);
            String base = text.substring(0, 19);
            String fraction = String.format("%09d", instant.getNano()).substring(0, digits);
            values.add(base + (digits == 0 ? "" : "." + fraction) + "Z");
        }
        Properties properties = new Properties();
        properties.setProperty("user", db.settings().user());
        if (binary) {
            properties.setProperty("binaryTransferEnable", "1185"); // timestamptz[], as Database's pool sets it
        }
        List<String[]> rows = values.stream().map(v -> new String[] {v}).toList();
        try (Connection c = DriverManager.getConnection(db.settings().url(), properties);
                PreparedStatement s = c.prepareStatement("""
                        SELECT count(*) AS n, count(*) FILTER (WHERE a IS DISTINCT FROM t::timestamptz) AS differ,
                               min(t) FILTER (WHERE a IS DISTINCT FROM t::timestamptz) AS first
                        FROM unnest(CAST(? AS timestamptz[]), CAST(? AS text[])) AS u(a, t)""")) {
            s.setObject(1, new ColumnArray(ColumnType.TIMESTAMPTZ, rows, 0));
            s.setObject(2, new ColumnArray(ColumnType.TEXT, rows, 0));
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                assertThat(rs.getLong("n")).isEqualTo(values.size());
                assertThat(rs.getLong("differ"))
                        .as("first differing: " + rs.getString("first"))
                        .isZero();
            }
        }
    }
}
