package dev.sluice.bench.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.lease.Lease;
import dev.sluice.run.PageTransaction;
import dev.sluice.sink.SinkDefinition;
import dev.sluice.sink.SinkResult;
import dev.sluice.watermark.WatermarkStore;
import java.time.Duration;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/**
 * Sluice's real page path: per page, {@link PageTransaction#commit}, the class the runner commits
 * pages with (fence, sink write, dead letters, watermark, in one transaction), into a sink opened
 * fresh from the job spec and prepared (untimed) for every pass, as each run attempt opens and
 * prepares its own.
 */
public final class SluicePagePath implements Contender {
    private final Jdbi jdbi;
    private final SinkDefinition definition;
    private final PageTransaction transaction;
    private final String name;
    private final String description;
    private TimedSink sink;
    private long commitNanos;
    private int pages;

    public SluicePagePath(Jdbi jdbi, SinkDefinition definition, String description) {
        this(jdbi, definition, "sluice", description);
    }

    SluicePagePath(Jdbi jdbi, SinkDefinition definition, String name, String description) {
        this.name = name;
        this.jdbi = jdbi;
        this.definition = definition;
        this.transaction = new PageTransaction(jdbi, new WatermarkStore(Duration.ofSeconds(30)), 0);
        this.description = description;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public void setUp(List<OrderPages.Page> pages, Lease lease) {
        sink = new TimedSink(definition.open(BenchTable.JOB));
        jdbi.useHandle(sink::prepare);
        commitNanos = 0;
        this.pages = pages.size();
    }

    @Override
    public void write(List<OrderPages.Page> pages, Lease lease) {
        JsonNode position = lease.watermark();
        for (OrderPages.Page page : pages) {
            long started = System.nanoTime();
            SinkResult result = transaction.commit(lease, page.read(), position, sink, "bench", () -> {});
            commitNanos += System.nanoTime() - started;
            if (!result.deadLetters().isEmpty()) {
                throw new IllegalStateException("bench data produced dead letters: "
                        + result.deadLetters().getFirst().error());
            }
            position = page.read().next();
        }
    }

    @Override
    public PageSplit split() {
        return new PageSplit(pages, commitNanos, sink.writeNanos());
    }
}
