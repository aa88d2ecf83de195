package dev.sluice.sandbox;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * A customer as {@code GET /v1/customers/{id}} serves it: a side-effect-free lookup, every field a
 * function of the id alone (not of the seed), so tests compute it with {@link #of(String)}.
 *
 * <p>JSON fields: {@code customer_id} (number for canonical integer ids, else string),
 * {@code name}, {@code email}, {@code country} (ISO 3166 alpha-2), {@code created_at} (ISO-8601
 * instant, whole seconds), {@code vip} (boolean), {@code credit_limit} (exact decimal as a
 * string), {@code orders_count} (integer), {@code rating} (double, one decimal),
 * {@code preferences} (object {@code {"channels": [TEXT...], "newsletter": BOOLEAN}}).
 */
public record CustomerProfile(
        String customerId,
        String name,
        String email,
        String country,
        Instant createdAt,
        boolean vip,
        BigDecimal creditLimit,
        int ordersCount,
        double rating,
        List<String> channels,
        boolean newsletter) {
    private static final List<String> FIRST = List.of("Ada", "Bea", "Chen", "Dara", "Emil", "Farah", "Gus", "Hana");
    private static final List<String> LAST =
            List.of("Lovelace", "Okafor", "Nakamura", "Silva", "Novak", "Haddad", "Berg", "Moreau");
    private static final List<String> COUNTRIES = List.of("DE", "FR", "US", "JP", "BR", "NG", "IN", "SE");
    private static final List<String> CHANNELS = List.of("email", "sms", "push", "post");
    private static final Instant EPOCH = Instant.parse("2020-01-01T00:00:00Z");

    public CustomerProfile {
        channels = List.copyOf(channels);
    }

    /** The profile the sandbox serves for {@code customerId}. */
    public static CustomerProfile of(String customerId) {
        String id = customerId;
        String first = FIRST.get(IdHash.below(id, 11, FIRST.size()));
        String last = LAST.get(IdHash.below(id, 12, LAST.size()));
        String email = (first + "." + last).toLowerCase(java.util.Locale.ROOT) + "+"
                + Long.toHexString(IdHash.of(id, 13) >>> 32) + "@example.test";
        int channel = IdHash.below(id, 18, CHANNELS.size());
        return new CustomerProfile(
                id,
                first + " " + last,
                email,
                COUNTRIES.get(IdHash.below(id, 14, COUNTRIES.size())),
                EPOCH.plusSeconds(IdHash.below(id, 15, 5 * 365 * 86_400)),
                IdHash.below(id, 16, 10) == 0,
                BigDecimal.valueOf(IdHash.below(id, 17, 200) * 5_000L, 2),
                IdHash.below(id, 19, 500),
                IdHash.below(id, 20, 51) / 10.0,
                List.of(CHANNELS.get(channel), CHANNELS.get((channel + 1) % CHANNELS.size())),
                IdHash.below(id, 21, 2) == 0);
    }

    /** {@code customer_id} as the JSON answer holds it: a Long for canonical integers, else the String. */
    public Object customerIdValue() {
        Long n = IdHash.integer(customerId);
        return n != null ? n : customerId;
    }
}
