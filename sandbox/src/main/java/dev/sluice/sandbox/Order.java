package dev.sluice.sandbox;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * One record of the {@code orders} dataset, exactly as the API serves it (snake_case JSON). Every
 * field is a pure function of (seed, partition, seq); see {@link Dataset}.
 *
 * @param id         {@code <partition>-<seq, 6 digits>}, e.g. {@code eu-000123}
 * @param partition  the partition key
 * @param seq        1-based position in the partition; {@code updatedAt} strictly increases with it
 * @param customerId a customer number
 * @param amount     a positive amount with exactly 2 decimals
 * @param currency   EUR, USD, GBP, CHF, JPY or SEK
 * @param status     pending, paid, shipped, delivered, cancelled or refunded
 * @param note       free text, sometimes awkward (quotes, commas, tabs, newlines, backslashes,
 *                   a literal {@code \N}, non-ASCII, emoji, empty), sometimes null
 * @param createdAt  when the order was created, at or before {@code updatedAt}
 * @param updatedAt  when it last changed
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Order(
        String id,
        String partition,
        long seq,
        long customerId,
        BigDecimal amount,
        String currency,
        String status,
        String note,
        Instant createdAt,
        Instant updatedAt) {}
