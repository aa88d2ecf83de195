package dev.sluice.sandbox.internal;

import dev.sluice.sandbox.Order;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;

/** Computes records as pure functions of (seed, partition, seq). Public only for {@code Dataset}. */
public final class OrderGenerator {
    private static final List<String> CURRENCIES = List.of("EUR", "USD", "GBP", "CHF", "JPY", "SEK");
    private static final List<String> STATUSES =
            List.of("pending", "paid", "shipped", "delivered", "cancelled", "refunded");
    private static final Instant EPOCH_2026 = Instant.parse("2026-01-01T00:00:00Z");
    private static final long STEP_MS = 10_000;
    private static final long COUNT_SALT = 0xC0047;
    private static final long MAX_AGE_MS = Duration.ofDays(30).toMillis();

    private OrderGenerator() {}

    public static int count(long seed, String partition, int perPartition, double spread) {
        if (spread == 0) {
            return perPartition;
        }
        double u = Mix.unit(Mix.of(seed, Mix.hash(partition), COUNT_SALT));
        return (int) Math.max(0, Math.round(perPartition * (1 + spread * (2 * u - 1))));
    }

    public static Order order(long seed, String partition, long seq) {
        long base = Mix.of(seed, Mix.hash(partition), seq);
        Instant updated = updatedAt(seed, partition, seq);
        return new Order(
                "%s-%06d".formatted(partition, seq),
                partition,
                seq,
                10_000 + Mix.below(draw(base, 1), 990_000),
                BigDecimal.valueOf(100 + Mix.below(draw(base, 2), 999_900), 2),
                CURRENCIES.get((int) Mix.below(draw(base, 3), CURRENCIES.size())),
                STATUSES.get((int) Mix.below(draw(base, 4), STATUSES.size())),
                Notes.pick(draw(base, 5)),
                updated.minusMillis(Mix.below(draw(base, 6), MAX_AGE_MS)),
                updated);
    }

    /** Record seq's update time: {@code seq} steps of 10 s after the partition's day, plus under 10 s. */
    public static Instant updatedAt(long seed, String partition, long seq) {
        long jitter = Mix.below(draw(Mix.of(seed, Mix.hash(partition), seq), 0), STEP_MS);
        return day(partition).plusMillis(seq * STEP_MS + jitter);
    }

    private static Instant day(String partition) {
        try {
            return LocalDate.parse(partition).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException notADate) {
            return EPOCH_2026.plus(Duration.ofDays(Mix.below(Mix.hash(partition), 365)));
        }
    }

    private static long draw(long base, long field) {
        return Mix.of(base, field);
    }
}
