package dev.sluice.sandbox;

import java.time.Duration;

/**
 * Faults the sandbox injects into admitted API requests. Each request draws one number from the
 * seed and its sequence number, so a given seed and request sequence always gets the same faults.
 * The draw picks at most one of error, reset or malformed (their rates add up to at most 1);
 * latency applies to every admitted request.
 *
 * @param errorRate     share of requests answered 500 or 503 with a JSON error body
 * @param resetRate     share of requests whose connection breaks mid-body (headers and part of
 *                      the body are sent, then the connection is aborted)
 * @param malformedRate share of requests answered 200 with truncated, invalid JSON
 * @param latency       fixed delay before answering
 * @param latencyJitter extra random delay, uniform in [0, jitter)
 */
public record Faults(
        double errorRate, double resetRate, double malformedRate, Duration latency, Duration latencyJitter) {
    /** No faults, no latency. */
    public static final Faults NONE = new Faults(0, 0, 0, Duration.ZERO, Duration.ZERO);

    public Faults {
        rate("error rate", errorRate);
        rate("reset rate", resetRate);
        rate("malformed rate", malformedRate);
        if (errorRate + resetRate + malformedRate > 1.0 + 1e-9) {
            throw new SandboxConfigException("error rate + reset rate + malformed rate = "
                    + (errorRate + resetRate + malformedRate) + ": must be at most 1");
        }
        latency = nonNegative("latency", latency);
        latencyJitter = nonNegative("latency jitter", latencyJitter);
    }

    public Faults withErrorRate(double rate) {
        return new Faults(rate, resetRate, malformedRate, latency, latencyJitter);
    }

    public Faults withResetRate(double rate) {
        return new Faults(errorRate, rate, malformedRate, latency, latencyJitter);
    }

    public Faults withMalformedRate(double rate) {
        return new Faults(errorRate, resetRate, rate, latency, latencyJitter);
    }

    /** A fixed delay plus uniform jitter in [0, jitter). */
    public Faults withLatency(Duration fixed, Duration jitter) {
        return new Faults(errorRate, resetRate, malformedRate, fixed, jitter);
    }

    private static void rate(String what, double rate) {
        if (!(rate >= 0 && rate <= 1)) {
            throw new SandboxConfigException(what + " = " + rate + ": must be between 0 and 1");
        }
    }

    private static Duration nonNegative(String what, Duration d) {
        if (d == null) {
            return Duration.ZERO;
        }
        if (d.isNegative()) {
            throw new SandboxConfigException(what + " = " + d + ": must not be negative");
        }
        return d;
    }
}
