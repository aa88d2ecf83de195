package dev.sluice.bench.internal;

import dev.sluice.db.Database;
import dev.sluice.sink.postgres.internal.PostgresSink;
import java.util.ArrayList;
import java.util.List;

/** The contenders of the sink benchmark, in their base order (the bench rotates it per repetition). */
public final class SinkContenders {
    private SinkContenders() {}

    public static List<Contender> all(Database database, PostgresSink sink, boolean prototypes) {
        List<Contender> all = new ArrayList<>();
        all.add(new SluicePagePath(database.jdbi(), sink, "sluice",
                "Sluice's page path: per page one transaction of WatermarkStore.fence, PostgresSink.write "
                        + "(Rows.convert, CSV, CREATE TEMP TABLE IF NOT EXISTS, COPY to stage, INSERT ... ON CONFLICT upsert), "
                        + "DeadLetterStore.store, WatermarkStore.advance; from parsed JSON records"));
        all.add(new RawCopy(database.dataSource(), true));
        all.add(new RawCopy(database.dataSource(), false));
        if (prototypes) {
            var config = BenchTable.config();
            var jdbi = database.jdbi();
            Contender unnest = new PrototypePagePath(jdbi, sink, config, PrototypePagePath.Write.UNNEST, false);
            all.add(unnest);
            all.add(new PrototypePagePath(jdbi, sink, config, PrototypePagePath.Write.STAGED, true));
            all.add(new PrototypePagePath(jdbi, sink, config, PrototypePagePath.Write.UNNEST, true));
            Contender copyFirst = new PrototypePagePath(jdbi, sink, config, PrototypePagePath.Write.COPY_FIRST, false);
            all.add(copyFirst);
            all.add(new OnFullTable(all.getFirst(), database));
            all.add(new OnFullTable(unnest, database));
            all.add(new OnFullTable(copyFirst, database));
        }
        return all;
    }
}
