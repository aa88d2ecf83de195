package dev.sluice.source;

import java.util.Optional;

/** A validated source configuration, ready to open at run time. */
public interface SourceDefinition {
    /** Opens the source for one run. */
    Source open(SourceContext context);

    /**
     * The most pages a partition may have: the runner stops with exit 78 instead of reading the
     * page after them (a safety stop for an API whose pages never end). Unbounded by default.
     */
    default long maxPages() {
        return Long.MAX_VALUE;
    }

    /** A one-line description without secrets, for logs and {@code sluice validate}. */
    String describe();

    /**
     * The top-level field of each record that identifies it within the partition (the spec's
     * {@code key}), for sources that have one ({@code sql}, {@code file}); empty otherwise.
     */
    default Optional<String> recordKey() {
        return Optional.empty();
    }

    /**
     * The top-level fields every record has, where the spec makes them knowable (a query whose
     * select list names its columns); empty when they are only known at run time. A per-record
     * call's templates are checked against them at load.
     */
    default Optional<java.util.Set<String>> recordFields() {
        return Optional.empty();
    }
}
