package dev.sluice.bench;

import dev.sluice.bench.internal.BenchLeases;
import dev.sluice.bench.internal.BenchTable;
import dev.sluice.bench.internal.Contender;
import dev.sluice.bench.internal.CpuMeter;
import dev.sluice.bench.internal.OrderPages;
import dev.sluice.bench.internal.RoundTripCounter;
import dev.sluice.bench.internal.Samples;
import dev.sluice.bench.internal.ServerFacts;
import dev.sluice.bench.internal.SinkContenders;
import dev.sluice.bench.internal.SluicePagePath;
import dev.sluice.db.Database;
import dev.sluice.lease.Lease;
import dev.sluice.sink.SinkDefinition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;

/**
 * Sink throughput: records per second through Sluice's real page path (PageTransaction and the
 * postgres sink, one transaction per page) against a raw COPY of the same rows into the same
 * table, side by side in this process, on the same database. Every pass starts from an empty table
 * (TRUNCATE, CHECKPOINT), pre-filled with stale rows for {@code sluice_on_full_table}; contenders
 * take turns in a rotating order within each repetition; each pass is checked to leave the same
 * rows, every one written by that pass.
 */
public final class SinkBench {
    /**
     * @param records     records per timed pass
     * @param pageSizes   page sizes to measure (records per page and per transaction)
     * @param repetitions timed passes per contender and page size
     */
    public record Config(int records, List<Integer> pageSizes, int repetitions) {}

    /**
     * One contender at one page size: records per second of each pass, and its rate over the
     * baselines' (paired by repetition).
     *
     * @param split where its page transactions spent their time (contenders that commit pages), or null
     */
    public record ContenderResult(
            String name,
            String description,
            Samples recordsPerSecond,
            Samples toCopy,
            Samples toCopySingle,
            Split split,
            Cpu cpu) {}

    /**
     * CPU microseconds per record, one value per timed pass: far steadier than records/s on a
     * loaded machine, where other processes take the cores but not this pass's CPU time.
     *
     * @param client this JVM, all threads (conversion, binding, JDBC, GC, JIT)
     * @param server the PostgreSQL server's processes (NaN where they cannot be read)
     * @param total  both
     */
    public record Cpu(Samples client, Samples server, Samples total) {}

    /**
     * Microseconds per page, one value per repetition.
     *
     * @param commit       the whole PageTransaction.commit (begin to commit)
     * @param sinkWrite    inside Sink.write
     * @param outsideSink  the rest of the transaction: begin, fence, dead letters, watermark, commit
     * @param sinkShare    sinkWrite / commit
     */
    public record Split(Samples commit, Samples sinkWrite, Samples outsideSink, Samples sinkShare) {}

    /**
     * One page size.
     *
     * @param sameRows             every pass left the same rows (digest), all of them written by that pass
     * @param sluiceRoundTrips     network round trips per page of the {@code sluice} contender, counted
     *                             on an untimed pass through a counting DataSource (statements sent,
     *                             commits); a raw COPY takes 2 (COPY start, then data and end)
     */
    public record PageSizeResult(
            int pageSize, int pages, List<ContenderResult> contenders, boolean sameRows, double sluiceRoundTrips) {}

    public record Result(
            String bench, int records, int repetitions, Map<String, String> server, List<PageSizeResult> pageSizes) {}

    private final Database database;
    private final Consumer<String> log;
    private final BenchLeases leases;
    private final CpuMeter cpu;

    public SinkBench(Database database, Consumer<String> log) {
        this.database = database;
        this.log = log;
        this.leases = new BenchLeases(database.jdbi());
        this.cpu = new CpuMeter(database.jdbi());
    }

    public Result run(Config config) {
        SinkDefinition sink = BenchTable.sink();
        database.jdbi().useHandle(sink.open(BenchTable.JOB)::prepare);
        List<Contender> contenders = SinkContenders.all(database, sink);
        // A whole untimed pass each: C2 compiles over tens of thousands of records (bench/README.md).
        List<OrderPages.Page> warmup = OrderPages.of(config.records(), 100);
        contenders.forEach(c -> pass(c, warmup));
        List<PageSizeResult> results = new ArrayList<>();
        for (int pageSize : config.pageSizes()) {
            results.add(pageSize(contenders, pageSize, config));
        }
        return new Result("sink", config.records(), config.repetitions(), ServerFacts.of(database.jdbi()), results);
    }

    private PageSizeResult pageSize(List<Contender> contenders, int pageSize, Config config) {
        List<OrderPages.Page> pages = OrderPages.of(config.records(), pageSize);
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        Map<String, List<Contender.PageSplit>> splits = new LinkedHashMap<>();
        Map<String, List<CpuMeter.Reading>> cpus = new LinkedHashMap<>();
        contenders.forEach(c -> rates.put(c.name(), new ArrayList<>()));
        contenders.forEach(c -> cpus.put(c.name(), new ArrayList<>()));
        contenders.forEach(c -> splits.put(c.name(), new ArrayList<>()));
        String reference = null;
        boolean same = true;
        for (int rep = 0; rep < config.repetitions(); rep++) {
            for (int i = 0; i < contenders.size(); i++) {
                Contender c = contenders.get((i + rep) % contenders.size());
                Pass pass = pass(c, pages);
                rates.get(c.name()).add(config.records() / pass.seconds());
                cpus.get(c.name()).add(pass.cpu());
                if (c.split() != null) {
                    splits.get(c.name()).add(c.split());
                }
                String digest = BenchTable.digest(database.jdbi());
                reference = reference == null ? digest : reference;
                boolean ok = reference.equals(digest)
                        && BenchTable.count(database.jdbi()) == config.records()
                        && BenchTable.writtenBy(database.jdbi(), pass.epoch()) == config.records();
                same &= ok;
                log.accept("page size %d, repetition %d: %s %.0f records/s, CPU µs/record %.2f client %.2f server%s"
                        .formatted(
                                pageSize,
                                rep + 1,
                                c.name(),
                                config.records() / pass.seconds(),
                                pass.cpu().clientNanos() / 1e3 / config.records(),
                                pass.cpu().serverNanos() / 1e3 / config.records(),
                                ok ? "" : " — WRONG ROWS"));
            }
        }
        List<ContenderResult> results = contenders.stream()
                .map(c -> new ContenderResult(
                        c.name(),
                        c.description(),
                        Samples.of(rates.get(c.name())),
                        ratio(rates, c.name(), "copy"),
                        ratio(rates, c.name(), "copy_single"),
                        split(splits.get(c.name())),
                        cpu(cpus.get(c.name()), config.records())))
                .toList();
        return new PageSizeResult(pageSize, pages.size(), results, same, roundTripsPerPage(pages));
    }

    /**
     * Round trips per page of Sluice's page path, on an untimed pass of up to 20 pages through a
     * counting pool; the sink's preparation (its DDL, once per attempt) is not counted.
     */
    private double roundTripsPerPage(List<OrderPages.Page> pages) {
        List<OrderPages.Page> some = pages.subList(0, Math.min(20, pages.size()));
        RoundTripCounter counter = new RoundTripCounter(database.dataSource());
        Jdbi counted = Jdbi.create(counter.dataSource()).installPlugin(new PostgresPlugin());
        Contender sluice = new SluicePagePath(counted, BenchTable.sink(), "round trips");
        BenchTable.empty(database.jdbi());
        Lease lease = leases.claim();
        try {
            sluice.setUp(some, lease);
            long before = counter.statements() + counter.transactionEnds();
            sluice.write(some, lease);
            return (counter.statements() + counter.transactionEnds() - before) / (double) some.size();
        } finally {
            leases.release(lease);
        }
    }

    private record Pass(double seconds, long epoch, CpuMeter.Reading cpu) {}

    /** Empties the table, claims a fresh lease, then times one contender writing every page. */
    private Pass pass(Contender contender, List<OrderPages.Page> pages) {
        BenchTable.empty(database.jdbi());
        Lease lease = leases.claim();
        try {
            contender.setUp(pages, lease);
            CpuMeter.Reading before = cpu.read();
            long started = System.nanoTime();
            contender.write(pages, lease);
            double seconds = (System.nanoTime() - started) / 1e9;
            return new Pass(seconds, lease.epoch(), cpu.read().since(before));
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

    private static Cpu cpu(List<CpuMeter.Reading> passes, int records) {
        return new Cpu(
                Samples.of(passes.stream()
                        .map(p -> p.clientNanos() / 1e3 / records)
                        .toList()),
                Samples.of(passes.stream()
                        .map(p -> p.serverNanos() / 1e3 / records)
                        .toList()),
                Samples.of(passes.stream()
                        .map(p -> (p.clientNanos() + p.serverNanos()) / 1e3 / records)
                        .toList()));
    }

    private static Split split(List<Contender.PageSplit> passes) {
        if (passes.isEmpty()) {
            return null;
        }
        return new Split(
                Samples.of(passes.stream()
                        .map(p -> p.commitNanos() / 1e3 / p.pages())
                        .toList()),
                Samples.of(passes.stream()
                        .map(p -> p.writeNanos() / 1e3 / p.pages())
                        .toList()),
                Samples.of(passes.stream()
                        .map(p -> (p.commitNanos() - p.writeNanos()) / 1e3 / p.pages())
                        .toList()),
                Samples.of(passes.stream()
                        .map(p -> (double) p.writeNanos() / p.commitNanos())
                        .toList()));
    }
}
