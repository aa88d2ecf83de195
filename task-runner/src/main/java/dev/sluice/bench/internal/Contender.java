package dev.sluice.bench.internal;

import dev.sluice.lease.Lease;
import java.util.List;

/** One way of writing the same pages into the empty bench table; only {@link #write} is timed. */
public interface Contender {
    /** A short stable name, used as the JSON key. */
    String name();

    /** What exactly is timed, for the results. */
    String description();

    /** Untimed preparation for one timed pass (e.g. pre-encoding rows). */
    default void setUp(List<OrderPages.Page> pages, Lease lease) {}

    /** Writes every page and commits. */
    void write(List<OrderPages.Page> pages, Lease lease);
}
