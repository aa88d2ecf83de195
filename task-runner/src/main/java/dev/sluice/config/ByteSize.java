package dev.sluice.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A size as people write it in specs: {@code 512KB}, {@code 64MB}, {@code 1GB}, or a whole number
 * of bytes ({@code 1048576}, {@code 100B}). Units are binary: 1KB = 1024 bytes, 1MB = 1024 KB,
 * 1GB = 1024 MB. The largest is {@link #MAX}: sizes bound what Sluice holds in memory.
 *
 * @param bytes the size in bytes, 0 or more
 */
public record ByteSize(long bytes) {
    /** The largest size a spec may give: 1GB. */
    public static final ByteSize MAX = new ByteSize(1L << 30);

    private static final Pattern FORM = Pattern.compile("[ \\t]*([0-9]{1,13})[ \\t]*(B|KB|MB|GB)?[ \\t]*");

    public ByteSize {
        if (bytes < 0) {
            throw new IllegalArgumentException("a size is 0 bytes or more");
        }
    }

    /** Parses a size, or explains the rule it breaks. */
    public static ByteSize parse(String text) {
        Matcher m = text == null ? null : FORM.matcher(text);
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("expected a size like 512KB, 64MB or 1GB (or a number of bytes)");
        }
        long unit = switch (m.group(2) == null ? "B" : m.group(2)) {
            case "KB" -> 1L << 10;
            case "MB" -> 1L << 20;
            case "GB" -> 1L << 30;
            default -> 1L;
        };
        long amount = Long.parseLong(m.group(1));
        if (amount > MAX.bytes / unit) {
            throw new IllegalArgumentException("expected a size of at most " + MAX);
        }
        return new ByteSize(amount * unit);
    }

    public static ByteSize ofMegabytes(long megabytes) {
        return new ByteSize(megabytes << 20);
    }

    /** The shortest exact way to write it with one unit: {@code 64MB}, {@code 1536KB}, {@code 1000B}. */
    @Override
    public String toString() {
        if (bytes > 0 && bytes % (1L << 30) == 0) return (bytes >> 30) + "GB";
        if (bytes > 0 && bytes % (1L << 20) == 0) return (bytes >> 20) + "MB";
        if (bytes > 0 && bytes % (1L << 10) == 0) return (bytes >> 10) + "KB";
        return bytes + "B";
    }
}
