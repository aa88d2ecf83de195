package dev.sluice.bench.internal;

import dev.sluice.run.PageTransaction;
import dev.sluice.source.Page;
import dev.sluice.lease.Lease;
import dev.sluice.sink.Sink;
import dev.sluice.sink.SinkResult;
import dev.sluice.watermark.WatermarkStore;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/**
 * Sluice's real page path: per page, one transaction that fences the attempt, writes the page
 * through the sink, stores dead letters and advances the watermark, the same calls in the same
 * order as a run: through {@link PageTransaction}, the class the runner commits pages with.
 */
public final class SluicePagePath implements Contender {
    private final Jdbi jdbi;
    private final Sink sink;
    private final String name;
    private final String description;
    private final PageTransaction pages;

    public SluicePagePath(Jdbi jdbi, Sink sink, String name, String description) {
        this.jdbi = jdbi;
        this.sink = sink;
        this.pages = new PageTransaction(jdbi, new WatermarkStore(java.time.Duration.ofSeconds(30)), 0);
        this.name = name;
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
    public void write(List<OrderPages.Page> pages, Lease lease) {
        var position = lease.watermark();
        for (OrderPages.Page page : pages) {
            commit(lease, page, position);
            position = page.next();
        }
    }

    private void commit(Lease lease, OrderPages.Page page, com.fasterxml.jackson.databind.JsonNode position) {
        SinkResult result = pages.commit(lease, new Page(page.records(), page.next(), page.last()), position, sink, "bench", () -> { });
        if (!result.deadLetters().isEmpty()) {
            throw new IllegalStateException("bench data produced dead letters: " + result.deadLetters().getFirst().error());
        }
    }
}
