package dev.sluice.demo;

import dev.sluice.db.Database;
import dev.sluice.sandbox.Sandbox;
import dev.sluice.sandbox.SandboxStats;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/** One line per second while runs are going: pages per partition, API calls, 429s, faults. */
final class Progress {
    private final Database database;
    private final Sandbox api;
    private final String job;
    private final List<String> partitions;
    private final double limit;
    private final PrintStream out;
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().factory());
    private final List<double[]> samples = new ArrayList<>(); // {seconds, admitted, running}
    private final long origin = System.nanoTime();
    private ScheduledFuture<?> ticking;
    private int watched;
    private boolean measuring = true;

    Progress(Database database, Sandbox api, String job, List<String> partitions, double limit, PrintStream out) {
        this.database = database;
        this.api = api;
        this.job = job;
        this.partitions = partitions;
        this.limit = limit;
        this.out = out;
    }

    void watch(LongSupplier running) {
        if (watched++ > 0) {
            measuring = false; // utilisation is about the first step, when every partition competes
        }
        ticking = timer.scheduleAtFixedRate(() -> tick(running.getAsLong()), 1, 1, TimeUnit.SECONDS);
    }

    void stop() {
        ticking.cancel(false);
    }

    private synchronized void tick(long running) {
        try {
            line(running);
        } catch (RuntimeException e) {
            out.printf("  (progress unavailable: %s)%n", e.getMessage()); // a throwing task would stop ticking for good
        }
    }

    private void line(long running) {
        SandboxStats stats = api.stats();
        double seconds = (System.nanoTime() - origin) / 1e9;
        if (measuring) {
            samples.add(new double[] {seconds, stats.admitted(), running});
        }
        out.printf(
                "  [%5.1fs] %d running | pages %s | API %d calls, %d x 429, %d faults%n",
                seconds,
                running,
                pages(),
                stats.requests(),
                stats.rateLimited(),
                stats.faults().values().stream().mapToLong(Long::longValue).sum());
    }

    void print() {
        tick(0);
    }

    private String pages() {
        Map<String, Long> byPartition = database
                .jdbi()
                .withHandle(h -> h.createQuery("SELECT partition_key, pages FROM sluice_partition WHERE job = :job")
                        .bind("job", job)
                        .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getLong(2)))
                        .list())
                .stream()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        return partitions.stream()
                .map(p -> p.substring(Math.max(0, p.length() - 5)) + "=" + byPartition.getOrDefault(p, 0L))
                .collect(Collectors.joining(" "));
    }

    long committedPages(String partition) {
        return database.jdbi()
                .withHandle(
                        h -> h.createQuery("SELECT pages FROM sluice_partition WHERE job = :job AND partition_key = :p")
                                .bind("job", job)
                                .bind("p", partition)
                                .mapTo(Long.class)
                                .findOne()
                                .orElse(0L));
    }

    /**
     * The share of the limit the runs used: calls per second from the first admitted call to the
     * last sample while runs were still going, over the limit. Computed for the first watched step.
     */
    synchronized double utilisation() {
        int first = -1;
        int last = -1;
        for (int i = 0; i < samples.size(); i++) {
            if (first < 0 && samples.get(i)[1] > 0) {
                first = i;
            }
            if (samples.get(i)[2] > 0) {
                last = i;
            }
        }
        if (first < 0 || last <= first || limit <= 0) {
            return 0;
        }
        double rate = (samples.get(last)[1] - samples.get(first)[1]) / (samples.get(last)[0] - samples.get(first)[0]);
        return rate / limit;
    }
}
