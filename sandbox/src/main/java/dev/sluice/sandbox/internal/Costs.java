package dev.sluice.sandbox.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.sandbox.RecordsConfig;
import io.javalin.http.Context;

/**
 * A per-record request's cost in units, when unit limits are configured: the cost header if
 * present, else the cost field of a POST body (required there); a GET without the header costs 0.
 * A cost is a whole number &gt;= 0 and at most the smallest unit limit's capacity.
 */
final class Costs {
    private Costs() {}

    static long of(Context ctx, Live live, JsonNode body, boolean post) {
        RecordsConfig rc = live.config().records();
        if (rc.unitLimits().isEmpty()) {
            return 0;
        }
        String header = ctx.header(rc.costHeader());
        long cost;
        if (header != null) {
            cost = header(rc.costHeader(), header.trim());
        } else if (post) {
            cost = field(rc.costField(), body);
        } else {
            cost = 0;
        }
        long max = live.limiter().maxCost();
        if (cost > max) {
            throw ApiError.badRequest(
                    "cost_exceeds_limit", "cost " + cost + " exceeds what a unit limit can ever admit (" + max + ")");
        }
        return cost;
    }

    private static long header(String name, String value) {
        if (value.matches("[0-9]{1,18}")) {
            return Long.parseLong(value);
        }
        throw ApiError.badRequest(
                "invalid_cost", "header " + name + " = \"" + value + "\": must be a whole number >= 0");
    }

    private static long field(String path, JsonNode body) {
        JsonNode v = body == null ? null : body.at("/" + path.replace('.', '/'));
        if (v == null || v.isMissingNode() || v.isNull()) {
            throw ApiError.badRequest(
                    "missing_cost",
                    "the body must hold the request's cost in field " + path + " (or send a cost header)");
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
            throw ApiError.badRequest("invalid_cost", "field " + path + " = " + v + ": must be a whole number >= 0");
        }
        return v.longValue();
    }
}
