package dev.sluice.config;

/**
 * The bounds every job spec is read within, so that a wrong {@code --job} (a log file, a device, a
 * FIFO) or a hostile spec (an alias chain that doubles at each level) is refused in milliseconds
 * instead of exhausting memory or CPU. A real spec is a few kilobytes and a few hundred nodes; a
 * list of 10 000 partition values (the most one plan may hold) stays far below each limit.
 */
public final class SpecLimits {
    /** The largest spec file read, in bytes (1 MiB); checked before reading, and at most this much is read. */
    public static final int MAX_BYTES = 1 << 20;

    /** YAML nodes (mappings, lists, values), counting each alias as the nodes it repeats. */
    public static final int MAX_NODES = 100_000;

    /** Characters of field paths and values once aliases are expanded (what the loaded spec holds in memory). */
    public static final long MAX_CHARACTERS = 8_000_000;

    /** How deeply mappings and lists may nest, aliases expanded. */
    public static final int MAX_DEPTH = 50;

    /** Aliases ({@code *name}) in one spec. */
    public static final int MAX_ALIASES = 50;

    private SpecLimits() {}

    static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / (double) (1 << 20));
    }
}
