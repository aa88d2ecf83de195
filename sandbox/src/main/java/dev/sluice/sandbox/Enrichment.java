package dev.sluice.sandbox;

import java.math.BigDecimal;
import java.util.List;

/**
 * The deterministic part of a customer's enrichment, the answer of
 * {@code POST /v1/customers/{id}/enrichment}: a function of the id alone (not of the seed), so
 * tests can compute what a loader should have stored with {@link #expected(String)}.
 *
 * <p>The JSON answer holds these fields, chosen to exercise every sink type: {@code customer_id}
 * (a number when the id is a canonical integer such as {@code 42}, else a string),
 * {@code segment} (text), {@code score} (a double in [0, 1] with at most three decimals),
 * {@code lifetime_value} (an exact decimal as a string, e.g. {@code "1234.50"}), {@code active}
 * (boolean), {@code attributes} (an object {@code {"region": TEXT, "tags": [TEXT...]}}), plus two
 * fields set when the effect was applied: {@code enriched_at} (ISO-8601 instant, millisecond
 * precision) and {@code request_id} (text, {@code req_} and 16 hex digits).
 *
 * @param customerId    the id as given in the path
 * @param segment       one of bronze, silver, gold, platinum
 * @param score         in [0, 1], three decimals at most
 * @param lifetimeValue two decimals, in [0, 99999.99]
 * @param active        mostly true
 * @param region        one of eu, us, apac, latam
 * @param tags          one or two of a small fixed vocabulary, no repeats
 */
public record Enrichment(
        String customerId,
        String segment,
        double score,
        BigDecimal lifetimeValue,
        boolean active,
        String region,
        List<String> tags) {
    private static final List<String> SEGMENTS = List.of("bronze", "silver", "gold", "platinum");
    private static final List<String> REGIONS = List.of("eu", "us", "apac", "latam");
    private static final List<String> TAGS = List.of("newsletter", "b2b", "early-adopter", "churn-risk", "referral");

    public Enrichment {
        tags = List.copyOf(tags);
    }

    /** The enrichment the sandbox answers for {@code customerId}. */
    public static Enrichment expected(String customerId) {
        String id = customerId;
        int first = IdHash.below(id, 6, TAGS.size());
        int second = IdHash.below(id, 7, TAGS.size());
        List<String> tags = second == first ? List.of(TAGS.get(first)) : List.of(TAGS.get(first), TAGS.get(second));
        return new Enrichment(
                id,
                SEGMENTS.get(IdHash.below(id, 1, SEGMENTS.size())),
                IdHash.below(id, 2, 1001) / 1000.0,
                BigDecimal.valueOf(IdHash.below(id, 3, 10_000_000), 2),
                IdHash.below(id, 4, 5) != 0,
                REGIONS.get(IdHash.below(id, 5, REGIONS.size())),
                tags);
    }

    /** {@code customer_id} as the JSON answer holds it: a Long for canonical integers, else the String. */
    public Object customerIdValue() {
        Long n = IdHash.integer(customerId);
        return n != null ? n : customerId;
    }
}
