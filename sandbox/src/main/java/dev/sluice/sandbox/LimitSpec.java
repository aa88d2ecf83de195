package dev.sluice.sandbox;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * One rate limit the sandbox enforces. Several limits apply at once (e.g. {@code 50/1s} and
 * {@code 2000/1h}); a request is admitted only when every limit has room.
 *
 * <p>Text form: {@code [window:|bucket:]COUNT/PERIOD[,burst=CAPACITY][,name=NAME]}, for example
 * {@code 50/1s}, {@code 2000/1h,name=daily}, {@code bucket:10/1s,burst=50}. PERIOD is a
 * {@link DurationText} ({@code 500ms}, {@code 1s}, {@code 1h}); a bare unit means one of it
 * ({@code 100/s}).
 *
 * @param name     the policy name in {@code RateLimit} headers, or null to number it by position
 * @param mode     fixed window or token bucket
 * @param count    requests per window, or tokens refilled per period
 * @param period   the window length, or the refill period
 * @param capacity the most tokens a bucket holds (its burst); equals {@code count} for windows
 */
public record LimitSpec(String name, LimitMode mode, long count, Duration period, long capacity) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]+");

    public LimitSpec {
        String spec = (mode == null ? "?" : mode.label()) + ":" + count + "/"
                + (period == null || period.isNegative() ? String.valueOf(period) : DurationText.format(period));
        require(mode != null, spec, "mode must be window or bucket");
        require(count > 0, spec, "count must be > 0");
        require(period != null && period.compareTo(Duration.ofMillis(1)) >= 0, spec, "period must be at least 1ms");
        require(capacity >= 1, spec, "burst must be >= 1");
        require(mode == LimitMode.BUCKET || capacity == count, spec, "burst is only for bucket limits");
        require(name == null || NAME.matcher(name).matches(), spec, "name may hold only letters, digits, _ . -");
    }

    /** A fixed-window limit: at most {@code count} requests per epoch-aligned window of {@code period}. */
    public static LimitSpec window(long count, Duration period) {
        return new LimitSpec(null, LimitMode.WINDOW, count, period, count);
    }

    /** A token bucket holding {@code capacity} tokens, refilled at {@code count} per {@code period}. */
    public static LimitSpec bucket(long count, Duration period, long capacity) {
        return new LimitSpec(null, LimitMode.BUCKET, count, period, capacity);
    }

    /** Parses a spec; limits without a {@code window:}/{@code bucket:} prefix are windows. */
    public static LimitSpec parse(String text) {
        return parse(text, LimitMode.WINDOW);
    }

    /**
     * Parses a spec such as {@code 50/1s} or {@code bucket:10/1s,burst=50,name=burst}.
     *
     * @param defaultMode the mode of specs without a prefix
     * @throws SandboxConfigException naming the spec and the rule it breaks
     */
    public static LimitSpec parse(String text, LimitMode defaultMode) {
        return new LimitSpecParser(text, defaultMode).parse();
    }

    /** This limit with a policy name. */
    public LimitSpec withName(String newName) {
        return new LimitSpec(newName, mode, count, period, capacity);
    }

    /** The canonical text form, which {@link #parse(String)} reads back to an equal spec. */
    @Override
    public String toString() {
        String text = mode.label() + ":" + count + "/" + DurationText.format(period);
        if (capacity != count) {
            text += ",burst=" + capacity;
        }
        return name == null ? text : text + ",name=" + name;
    }

    static void require(boolean rule, String spec, String message) {
        if (!rule) {
            throw new SandboxConfigException("limit \"" + spec + "\": " + message);
        }
    }
}
