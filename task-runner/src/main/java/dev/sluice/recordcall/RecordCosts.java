package dev.sluice.recordcall;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.ratelimit.LimitConfig;
import dev.sluice.ratelimit.PermitCost;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A record's call's cost in each limit named by {@code call.cost}, checked against what the limit
 * can ever grant at once: a record that costs more could never be sent, so it becomes a dead letter
 * (with how to fix it) instead of waiting forever.
 */
final class RecordCosts {
    private final Map<String, CostExpression> expressions;
    private final Map<String, Long> ceilings = new LinkedHashMap<>();

    RecordCosts(Map<String, CostExpression> expressions, List<LimitConfig> limits) {
        this.expressions = Map.copyOf(expressions);
        limits.stream()
                .filter(l -> expressions.containsKey(l.name()))
                .forEach(l -> ceilings.put(l.name(), l.maxCost()));
    }

    /**
     * The record's cost.
     *
     * @throws RecordTemplate.MissingFieldException when it cannot be counted or can never be granted
     */
    PermitCost of(JsonNode record) {
        if (expressions.isEmpty()) {
            return PermitCost.ONE;
        }
        Map<String, Long> units = new LinkedHashMap<>();
        expressions.forEach((limit, expression) -> {
            long n = expression.of(record);
            long most = ceilings.getOrDefault(limit, Long.MAX_VALUE);
            if (n > most) {
                throw new RecordTemplate.MissingFieldException("the call costs " + n + " units of limit " + limit
                        + " (" + expression + "), more than the limit grants at once (" + most
                        + "); raise the limit's burst to at least " + n + ", then replay it");
            }
            units.put(limit, n);
        });
        return new PermitCost(units);
    }
}
