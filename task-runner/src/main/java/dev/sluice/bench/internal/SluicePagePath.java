package dev.sluice.bench.internal;

import dev.sluice.deadletter.DeadLetterStore;
import dev.sluice.lease.Lease;
import dev.sluice.sink.DataErrorException;
import dev.sluice.sink.Sink;
import dev.sluice.sink.SinkBatch;
import dev.sluice.sink.SinkResult;
import dev.sluice.watermark.WatermarkStore;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/**
 * Sluice's real page path: per page, one transaction that fences the attempt, writes the page
 * through the sink, stores dead letters and advances the watermark, the same calls in the same
 * order as {@code PartitionRunner.commit} (which is private, hence this copy of its body).
 */
public final class SluicePagePath implements Contender {
    private final Jdbi jdbi;
    private final Sink sink;
    private final String name;
    private final String description;
    private final WatermarkStore watermarks = new WatermarkStore(java.time.Duration.ofSeconds(30));
    private final DeadLetterStore deadLetters = new DeadLetterStore();

    public SluicePagePath(Jdbi jdbi, Sink sink, String name, String description) {
        this.jdbi = jdbi;
        this.sink = sink;
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
        jdbi.useTransaction(tx -> {
            long deadSoFar = watermarks.fence(tx, lease);
            SinkResult result = sink.write(tx, new SinkBatch(lease.job(), lease.partition(), lease.epoch(), "bench", page.records()));
            if (deadSoFar + result.deadLetters().size() > 0) {
                throw new DataErrorException("bench data produced dead letters: " + result.deadLetters().getFirst().error());
            }
            deadLetters.store(tx, lease, position, result.deadLetters());
            watermarks.advance(tx, lease, page.next(), page.records().size() - result.deadLetters().size(),
                    result.deadLetters().size(), page.last());
        });
    }
}
