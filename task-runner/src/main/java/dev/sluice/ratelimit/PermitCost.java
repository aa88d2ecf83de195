package dev.sluice.ratelimit;

import java.util.Map;

/**
 * What one call takes from each shared limit, in the limit's units: a limit counted in requests
 * takes 1, one counted in an LLM API's tokens takes the call's tokens. A limit this cost does not
 * name takes 1; a cost of 0 takes nothing from that limit.
 *
 * @param units units per limit name
 */
public record PermitCost(Map<String, Long> units) {
    /** One unit from every limit: a plain request. */
    public static final PermitCost ONE = new PermitCost(Map.of());

    public PermitCost {
        units = Map.copyOf(units);
        units.forEach((limit, n) -> {
            if (n < 0) {
                throw new IllegalArgumentException("limit " + limit + ": a cost is 0 or more units, not " + n);
            }
        });
    }

    /** The units a call takes from {@code limit}. */
    public long of(String limit) {
        return units.getOrDefault(limit, 1L);
    }
}
