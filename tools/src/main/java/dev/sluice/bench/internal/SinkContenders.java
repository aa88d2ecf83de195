package dev.sluice.bench.internal;

import dev.sluice.db.Database;
import dev.sluice.sink.SinkDefinition;
import java.util.List;

/** The contenders of the sink benchmark, in their base order (the bench rotates it per repetition). */
public final class SinkContenders {
    private SinkContenders() {}

    public static List<Contender> all(Database database, SinkDefinition sink) {
        Contender sluice = new SluicePagePath(
                database.jdbi(),
                sink,
                "Sluice's page path: per page PageTransaction.commit into a PostgresSink opened and prepared fresh "
                        + "from the job spec for each pass, from parsed JSON records; a page without dead letters is one "
                        + "round trip without BEGIN/COMMIT (the watermark update with the epoch fence folded in, then the "
                        + "sink's write function, one implicit transaction)");
        Contender prepared = new SluicePagePath(
                PreparedPool.open(database.settings()),
                sink,
                "sluice_prepared",
                "the same page path over a pool with server-side prepared statements (prepareThreshold=1, "
                        + "for direct connections; the runner's default is 0 for PgBouncer): the page's two calls are "
                        + "not parsed and planned on each page either");
        return List.of(
                sluice,
                new RawCopy(database.dataSource(), true),
                new RawCopy(database.dataSource(), false),
                new OnFullTable(sluice, database),
                prepared);
    }
}
