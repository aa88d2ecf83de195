package dev.sluice.bench.internal;

import dev.sluice.lease.Lease;
import dev.sluice.sandbox.Order;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * The baseline: PostgreSQL's COPY of the same rows straight into the same table, from CSV that
 * is encoded before the timer starts. Per page (one autocommitted COPY per page, the same commits
 * as the sink) or all rows in one COPY (the ceiling).
 */
public final class RawCopy implements Contender {
    static final String COLUMNS = "id, customer_id, amount, currency, status, note, updated_at, "
            + "_sluice_partition, _sluice_attempt, _sluice_trace_id";

    private final DataSource dataSource;
    private final boolean onePerPage;
    private final boolean stale;
    private List<byte[]> encoded = List.of();

    public RawCopy(DataSource dataSource, boolean onePerPage) {
        this(dataSource, onePerPage, false);
    }

    private RawCopy(DataSource dataSource, boolean onePerPage, boolean stale) {
        this.dataSource = dataSource;
        this.onePerPage = onePerPage;
        this.stale = stale;
    }

    /**
     * One COPY of every key with stale values (status {@code prefilled}, attempt 0, trace id
     * {@code prefill}): only a pass that updates every row leaves the expected rows behind.
     */
    static RawCopy staleRows(DataSource dataSource) {
        return new RawCopy(dataSource, false, true);
    }

    @Override
    public String name() {
        return onePerPage ? "copy" : "copy_single";
    }

    @Override
    public String description() {
        return onePerPage
                ? "COPY " + BenchTable.NAME
                        + " FROM STDIN (FORMAT csv), one autocommitted COPY per page, CSV pre-encoded"
                : "COPY " + BenchTable.NAME + " FROM STDIN (FORMAT csv), every row in one COPY, CSV pre-encoded";
    }

    @Override
    public void setUp(List<OrderPages.Page> pages, Lease lease) {
        List<byte[]> out = new ArrayList<>();
        StringBuilder all = new StringBuilder();
        for (OrderPages.Page page : pages) {
            StringBuilder csv = new StringBuilder(page.orders().size() * 160);
            page.orders()
                    .forEach(o -> row(
                            csv,
                            o,
                            stale ? "prefilled" : o.status(),
                            stale ? 0 : lease.epoch(),
                            stale ? "prefill" : "bench",
                            lease.partition()));
            if (onePerPage) {
                out.add(csv.toString().getBytes(StandardCharsets.UTF_8));
            } else {
                all.append(csv);
            }
        }
        encoded = onePerPage ? out : List.of(all.toString().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void write(List<OrderPages.Page> pages, Lease lease) {
        String sql = "COPY " + BenchTable.NAME + " (" + COLUMNS + ") FROM STDIN (FORMAT csv)";
        try (Connection connection = dataSource.getConnection()) {
            CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
            for (byte[] csv : encoded) {
                copy.copyIn(sql, new ByteArrayInputStream(csv));
            }
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("COPY into " + BenchTable.NAME + " failed: " + e.getMessage(), e);
        }
    }

    private static void row(StringBuilder csv, Order o, String status, long attempt, String trace, String partition) {
        field(csv, o.id()).append(',');
        field(csv, Long.toString(o.customerId())).append(',');
        field(csv, o.amount().toPlainString()).append(',');
        field(csv, o.currency()).append(',');
        field(csv, status).append(',');
        field(csv, o.note()).append(',');
        field(csv, o.updatedAt().toString()).append(',');
        field(csv, partition).append(',');
        field(csv, Long.toString(attempt)).append(',');
        field(csv, trace).append('\n');
    }

    private static StringBuilder field(StringBuilder csv, String value) {
        return value == null
                ? csv
                : csv.append('"').append(value.replace("\"", "\"\"")).append('"');
    }
}
