package dev.sluice.bench.internal;

import dev.sluice.lease.Lease;
import java.util.List;

/** One way of writing the same pages into the bench table; only {@link #write} is timed. */
public interface Contender {
    /** A short stable name, used as the JSON key. */
    String name();

    /** What exactly is timed, for the results. */
    String description();

    /** Untimed preparation for one timed pass (e.g. pre-encoding rows, opening a fresh sink). */
    default void setUp(List<OrderPages.Page> pages, Lease lease) {}

    /** Writes every page and commits. */
    void write(List<OrderPages.Page> pages, Lease lease);

    /** Where the last pass's page transactions spent their time, for contenders that commit pages; else null. */
    default PageSplit split() {
        return null;
    }

    /**
     * Time of the last pass's page transactions, summed over its pages.
     *
     * @param commitNanos around each {@code PageTransaction.commit} (begin to commit, all of it)
     * @param writeNanos  inside {@code Sink.write} (convert, COPY or upsert)
     */
    record PageSplit(int pages, long commitNanos, long writeNanos) {}
}
