package dev.sluice.bench;

import dev.sluice.bench.internal.BenchLeases;
import dev.sluice.bench.internal.BenchTable;
import dev.sluice.bench.internal.Contender;
import dev.sluice.bench.internal.OrderPages;
import dev.sluice.bench.internal.Samples;
import dev.sluice.bench.internal.ServerFacts;
import dev.sluice.bench.internal.SinkAnatomy;
import dev.sluice.bench.internal.SinkContenders;
import dev.sluice.db.Database;
import dev.sluice.lease.Lease;
import dev.sluice.sink.postgres.internal.PostgresSink;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Sink throughput: records per second through Sluice's real page path (fence, PostgresSink
 * write, dead letters, watermark and attempt updates, one transaction per page) against a raw
 * COPY of the same rows into the same table, side by side in this process, on the same database.
 * Every pass starts from an empty table (TRUNCATE, CHECKPOINT); contenders take turns in a
 * rotating order within each repetition; each pass is checked to leave the same rows.
 */
public final class SinkBench {
    /**
     * @param records      records per timed pass
     * @param pageSizes    page sizes to measure (records per page and per transaction)
     * @param repetitions  timed passes per contender and page size
     * @param prototypes   also run the prototype sink variants
     * @param anatomy      also time each step of the page transaction
     */
    public record Config(int records, List<Integer> pageSizes, int repetitions, boolean prototypes, boolean anatomy) {}

    /**
     * One contender at one page size: records per second of each pass, and its rate over the
     * baseline's and over Sluice's (paired by repetition; a contender on a full table is compared
     * with Sluice on a full table).
     */
    public record ContenderResult(String name, String description, Samples recordsPerSecond, Samples toCopy,
            String comparedWith, Samples toSluice) {}

    /**
     * One page size.
     *
     * @param sinkToCopy        the sink's records/s over COPY's, paired by repetition (the headline)
     * @param sinkToCopySingle  the same against one COPY of all rows
     * @param sameRows          every contender left the same rows (digest of the table)
     * @param anatomy           where the page transaction's time goes (the real one, and the unnest
     *                          prototype's when prototypes run), or null
     */
    public record PageSizeResult(int pageSize, int pages, List<ContenderResult> contenders, Samples sinkToCopy,
            Samples sinkToCopySingle, boolean sameRows, Map<String, SinkAnatomy.Result> anatomy) {}

    public record Result(String bench, int records, int repetitions, Map<String, String> server, List<PageSizeResult> pageSizes) {}

    private final Database database;
    private final Consumer<String> log;
    private final BenchLeases leases;

    public SinkBench(Database database, Consumer<String> log) {
        this.database = database;
        this.log = log;
        this.leases = new BenchLeases(database.jdbi());
    }

    public Result run(Config config) {
        PostgresSink sink = new PostgresSink(BenchTable.config());
        database.jdbi().useHandle(sink::prepare);
        List<Contender> contenders = SinkContenders.all(database, sink, config.prototypes());
        List<OrderPages.Page> warmup = OrderPages.of(Math.min(config.records(), 5000), 100);
        contenders.forEach(c -> pass(c, warmup));
        List<PageSizeResult> results = new ArrayList<>();
        for (int pageSize : config.pageSizes()) {
            results.add(pageSize(contenders, sink, pageSize, config));
        }
        return new Result("sink", config.records(), config.repetitions(), ServerFacts.of(database.jdbi()), results);
    }

    private PageSizeResult pageSize(List<Contender> contenders, PostgresSink sink, int pageSize, Config config) {
        List<OrderPages.Page> pages = OrderPages.of(config.records(), pageSize);
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        contenders.forEach(c -> rates.put(c.name(), new ArrayList<>()));
        String reference = null;
        boolean same = true;
        for (int rep = 0; rep < config.repetitions(); rep++) {
            for (int i = 0; i < contenders.size(); i++) {
                Contender c = contenders.get((i + rep) % contenders.size());
                double seconds = pass(c, pages);
                rates.get(c.name()).add(config.records() / seconds);
                String digest = BenchTable.digest(database.jdbi());
                reference = reference == null ? digest : reference;
                same &= reference.equals(digest) && BenchTable.count(database.jdbi()) == config.records();
                log.accept("page size %d, repetition %d: %s %.0f records/s".formatted(pageSize, rep + 1, c.name(),
                        config.records() / seconds));
            }
        }
        Map<String, SinkAnatomy.Result> anatomy = null;
        if (config.anatomy()) {
            anatomy = new LinkedHashMap<>();
            anatomy.put("sluice", new SinkAnatomy(database, sink, BenchTable.config(), false).measure(pages, config.repetitions()));
            if (config.prototypes()) {
                anatomy.put("proto_unnest", new SinkAnatomy(database, sink, BenchTable.config(), true).measure(pages, config.repetitions()));
            }
        }
        return new PageSizeResult(pageSize, pages.size(), contenders.stream().map(c -> result(c, rates)).toList(),
                ratio(rates, "sluice", "copy"), ratio(rates, "sluice", "copy_single"), same, anatomy);
    }

    /** Empties the table, claims a fresh lease, then times one contender writing every page. */
    private double pass(Contender contender, List<OrderPages.Page> pages) {
        BenchTable.empty(database.jdbi());
        Lease lease = leases.claim();
        try {
            contender.setUp(pages, lease);
            long started = System.nanoTime();
            contender.write(pages, lease);
            return (System.nanoTime() - started) / 1e9;
        } finally {
            leases.release(lease);
        }
    }

    private static Samples ratio(Map<String, List<Double>> rates, String over, String under) {
        List<Double> a = rates.get(over);
        List<Double> b = rates.get(under);
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            ratios.add(a.get(i) / b.get(i));
        }
        return Samples.of(ratios);
    }

    private static ContenderResult result(Contender c, Map<String, List<Double>> rates) {
        String sluice = c.name().endsWith("_on_full_table") ? "sluice_on_full_table" : "sluice";
        return new ContenderResult(c.name(), c.description(), Samples.of(rates.get(c.name())), ratio(rates, c.name(), "copy"),
                sluice, rates.containsKey(sluice) ? ratio(rates, c.name(), sluice) : null);
    }
}
