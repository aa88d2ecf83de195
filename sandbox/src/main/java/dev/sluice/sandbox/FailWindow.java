package dev.sluice.sandbox;

/**
 * Which admitted requests of one partition fail with 503: after {@code after} requests have been
 * answered normally, the next {@code times} fail, then the partition recovers. Requests are counted
 * from the moment the window is armed. Text form {@code N+K}: {@code 2+3} serves two requests
 * (say, two committed pages), fails the next three, then serves again. {@code 0+K} is "fail the
 * first K".
 *
 * @param after requests answered normally before the window opens (&gt;= 0)
 * @param times requests that fail once it is open (&gt;= 0)
 */
public record FailWindow(int after, int times) {
    public FailWindow {
        if (after < 0) {
            throw new SandboxConfigException("fail window start = " + after + ": must be >= 0 requests");
        }
        if (times < 0) {
            throw new SandboxConfigException("fail window length = " + times + ": must be >= 0 requests");
        }
    }

    /** Parses {@code N+K}, e.g. {@code 2+3}. */
    public static FailWindow parse(String text) {
        String t = text == null ? "" : text.trim();
        int plus = t.indexOf('+');
        if (plus <= 0 || plus == t.length() - 1) {
            throw new SandboxConfigException(
                    "fail window \"" + text + "\": expected N+K (serve N requests, fail the next K), e.g. 2+3");
        }
        return new FailWindow(number(text, t.substring(0, plus)), number(text, t.substring(plus + 1)));
    }

    /** True if the {@code n}-th request (1-based) since arming must fail. */
    public boolean fails(long n) {
        return n > after && n <= (long) after + times;
    }

    /** The text form, e.g. {@code 2+3}. */
    @Override
    public String toString() {
        return after + "+" + times;
    }

    private static int number(String text, String part) {
        try {
            return Integer.parseInt(part.trim());
        } catch (NumberFormatException e) {
            throw new SandboxConfigException(
                    "fail window \"" + text + "\": \"" + part + "\" must be a whole number of requests");
        }
    }
}
