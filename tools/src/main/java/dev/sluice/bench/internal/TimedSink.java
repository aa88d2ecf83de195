package dev.sluice.bench.internal;

import dev.sluice.sink.Sink;
import dev.sluice.sink.SinkBatch;
import dev.sluice.sink.SinkResult;
import dev.sluice.sink.SinkStatement;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * A {@link Sink} that adds up the time spent in the sink it wraps: through the public SPI only,
 * so it times the real sink without knowing its parts. Two clock reads per page. A sink that
 * gives its page as one statement spends its own time making it (converting the records); the
 * statement then runs in the page transaction's round trip, outside this timer.
 */
final class TimedSink implements Sink {
    private final Sink sink;
    private long writeNanos;

    TimedSink(Sink sink) {
        this.sink = sink;
    }

    long writeNanos() {
        return writeNanos;
    }

    @Override
    public void prepare(Handle handle) {
        sink.prepare(handle);
    }

    @Override
    public SinkResult write(Handle transaction, SinkBatch batch) {
        long started = System.nanoTime();
        try {
            return sink.write(transaction, batch);
        } finally {
            writeNanos += System.nanoTime() - started;
        }
    }

    @Override
    public boolean retry(Throwable failure) {
        return sink.retry(failure);
    }

    @Override
    public Optional<SinkStatement> statement(SinkBatch batch) {
        long started = System.nanoTime();
        try {
            return sink.statement(batch);
        } finally {
            writeNanos += System.nanoTime() - started;
        }
    }
}
