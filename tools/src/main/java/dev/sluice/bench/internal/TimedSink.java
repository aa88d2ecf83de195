package dev.sluice.bench.internal;

import dev.sluice.sink.Sink;
import dev.sluice.sink.SinkBatch;
import dev.sluice.sink.SinkResult;
import org.jdbi.v3.core.Handle;

/**
 * A {@link Sink} that adds up the time spent in the sink it wraps: through the public SPI only,
 * so it times the real sink without knowing its parts. Two clock reads per page.
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
}
