package dev.sluice.bench.internal;

import dev.sluice.lease.Lease;
import dev.sluice.sink.postgres.PostgresSinkConfig;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * Prototype: a page upserted in one statement, without a staging table. The rows (the sink's own
 * Rows output, COPY text per column) go as one text array per column into
 * {@code INSERT ... SELECT ... FROM unnest(...) ON CONFLICT}, with the sink's own INSERT head and
 * conflict clause; each column is cast to its type by the same input functions COPY uses.
 */
final class UnnestUpsert {
    private final String sql;
    private final int columns;

    UnnestUpsert(SinkInternals sink, PostgresSinkConfig config) {
        this.columns = config.columns().size();
        this.sql = sql(sink.upsert, config);
    }

    void execute(Handle tx, Lease lease, List<String[]> rows) {
        var update = tx.createUpdate(sql).bind("partition", lease.partition()).bind("epoch", lease.epoch()).bind("trace", "bench");
        for (int c = 0; c < columns; c++) {
            String[] values = new String[rows.size()];
            for (int r = 0; r < values.length; r++) {
                values[r] = rows.get(r)[c];
            }
            update.bindArray("c" + c, String.class, (Object[]) values);
        }
        update.execute();
    }

    private static String sql(String stagedUpsert, PostgresSinkConfig config) {
        String head = stagedUpsert.substring(0, stagedUpsert.indexOf("\nSELECT "));
        String conflict = stagedUpsert.substring(stagedUpsert.indexOf("\nON CONFLICT"));
        List<String> casts = new ArrayList<>();
        List<String> arrays = new ArrayList<>();
        List<String> names = new ArrayList<>();
        int c = 0;
        for (var column : config.columns().values()) {
            casts.add("u.c" + c + "::" + column.type().sqlType());
            arrays.add("CAST(:c" + c + " AS text[])");
            names.add("c" + c);
            c++;
        }
        return head + "\nSELECT " + String.join(", ", casts) + ", :partition, :epoch, now(), :trace\nFROM unnest("
                + String.join(", ", arrays) + ") AS u(" + String.join(", ", names) + ")" + conflict;
    }
}
