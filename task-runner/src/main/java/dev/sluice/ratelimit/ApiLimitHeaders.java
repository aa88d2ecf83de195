package dev.sluice.ratelimit;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an API says about its own limits, read from response headers:
 *
 * <ul>
 *   <li>{@code Retry-After}: seconds or an HTTP date (on 429 and 503).
 *   <li>IETF draft {@code RateLimit: "name";r=12;t=3} (remaining, seconds to reset) and
 *       {@code RateLimit-Policy: "name";q=50;w=1}; also the older
 *       {@code RateLimit-Remaining}/{@code RateLimit-Reset} fields.
 *   <li>{@code X-RateLimit-Remaining} and {@code X-RateLimit-Reset} (epoch seconds when larger than
 *       10^9, else seconds from now), as GitHub, Twitter and many others send them.
 * </ul>
 *
 * @param retryAfter how long the API asked to wait, if it did
 * @param remaining  calls left in the current window, if said
 * @param reset      time until the window resets, if said
 */
public record ApiLimitHeaders(Optional<Duration> retryAfter, OptionalLong remaining, Optional<Duration> reset) {
    private static final Pattern STRUCTURED_R = Pattern.compile("(?:^|;)\\s*r\\s*=\\s*(\\d+)");
    private static final Pattern STRUCTURED_T = Pattern.compile("(?:^|;)\\s*t\\s*=\\s*(\\d+)");

    /** Reads the headers of a response received at {@code now}. */
    public static ApiLimitHeaders of(HttpHeaders headers, Instant now) {
        Optional<Duration> retryAfter = headers.firstValue("Retry-After").flatMap(v -> retryAfter(v, now));
        OptionalLong remaining = OptionalLong.empty();
        Optional<Duration> reset = Optional.empty();
        Optional<String> structured = headers.firstValue("RateLimit");
        if (structured.isPresent()) {
            remaining = number(STRUCTURED_R, structured.get());
            reset = seconds(number(STRUCTURED_T, structured.get()));
        }
        if (remaining.isEmpty()) {
            remaining = headers.firstValue("RateLimit-Remaining")
                    .or(() -> headers.firstValue("X-RateLimit-Remaining"))
                    .map(ApiLimitHeaders::parseLong)
                    .orElse(OptionalLong.empty());
        }
        if (reset.isEmpty()) {
            reset = headers.firstValue("RateLimit-Reset")
                    .flatMap(v -> seconds(parseLong(v)))
                    .or(() -> headers.firstValue("X-RateLimit-Reset").flatMap(v -> resetValue(parseLong(v), now)));
        }
        return new ApiLimitHeaders(retryAfter, remaining, reset);
    }

    /** True when the API said no call is left until {@link #reset()}. */
    public boolean exhausted() {
        return remaining.isPresent()
                && remaining.getAsLong() == 0
                && reset.isPresent()
                && reset.get().isPositive();
    }

    static Optional<Duration> retryAfter(String value, Instant now) {
        String v = value.trim();
        if (v.matches("\\d+")) {
            return Optional.of(Duration.ofSeconds(Long.parseLong(v)));
        }
        try {
            Instant at =
                    ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration d = Duration.between(now, at);
            return Optional.of(d.isNegative() ? Duration.ZERO : d);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static Optional<Duration> resetValue(OptionalLong value, Instant now) {
        if (value.isEmpty()) {
            return Optional.empty();
        }
        long v = value.getAsLong();
        if (v > 1_000_000_000L) {
            Duration d = Duration.between(now, Instant.ofEpochSecond(v));
            return Optional.of(d.isNegative() ? Duration.ZERO : d);
        }
        return Optional.of(Duration.ofSeconds(v));
    }

    private static Optional<Duration> seconds(OptionalLong value) {
        return value.isPresent() ? Optional.of(Duration.ofSeconds(value.getAsLong())) : Optional.empty();
    }

    private static OptionalLong number(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        return m.find() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
    }

    private static OptionalLong parseLong(String text) {
        try {
            return OptionalLong.of(Long.parseLong(text.trim()));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
