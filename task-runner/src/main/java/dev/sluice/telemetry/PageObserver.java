package dev.sluice.telemetry;

/**
 * What the partition runner tells whoever watches its pages: one page is read (its API calls made)
 * and committed. {@link #NONE} watches nothing, for runs without an exporter.
 */
public interface PageObserver {
    /** Watches nothing. */
    PageObserver NONE = number -> Page.NONE;

    /**
     * Page {@code number} of this run (1 = its first) is about to be read; calls made until the
     * returned page is closed belong to it.
     */
    Page started(long number);

    /** One page, from its first call to its commit. */
    interface Page extends AutoCloseable {
        Page NONE = new Page() {};

        /** The page committed {@code records} rows and {@code deadLetters} dead letters. */
        default void committed(long records, long deadLetters) {}

        /** The page did not commit. */
        default void failed(Throwable failure) {}

        @Override
        default void close() {}
    }
}
