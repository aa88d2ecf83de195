package dev.sluice.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.Json;
import dev.sluice.breaker.BreakerControls;
import dev.sluice.history.BreakerView;
import dev.sluice.history.LimitView;
import dev.sluice.history.LimitViews;
import dev.sluice.ratelimit.LimitControls;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.NotFoundResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** The JSON API's handlers: each reads or changes one thing through the capability that owns it. */
final class AdminApi {
    static final int MAX_ROWS = 10_000;
    static final Duration MAX_PAUSE = Duration.ofDays(1);
    static final Duration DEFAULT_WINDOW = Duration.ofMinutes(10);

    private final AdminData data;
    private final LimitControls limits;
    private final BreakerControls breakers;
    private final LimitViews views;
    private final LimitSeries series;
    private final PrometheusMetrics metrics;
    private final AdminSettings settings;
    private final DeadLetterReplays replays;

    AdminApi(Jdbi jdbi, LimitSeries series, AdminSettings settings, DeadLetterReplays replays) {
        this.data = new AdminData(jdbi);
        this.limits = new LimitControls(jdbi);
        this.breakers = new BreakerControls(jdbi);
        this.views = new LimitViews(jdbi);
        this.series = series;
        this.metrics = new PrometheusMetrics(jdbi);
        this.settings = settings;
        this.replays = replays;
    }

    /** Every route but the page's static files, in the order {@code /openapi.json} lists them. */
    List<Route> routes() {
        List<Route> r = new ArrayList<>();
        r.add(new Route(HandlerType.GET, "/health", Route.Access.OPEN, this::health));
        r.add(new Route(HandlerType.GET, "/openapi.json", Route.Access.OPEN, AdminApi::openApi));
        r.add(new Route(HandlerType.GET, "/metrics", Route.Access.READ, this::metrics));
        r.add(new Route(HandlerType.GET, "/api/jobs", Route.Access.READ, ctx -> json(ctx, data.jobs())));
        r.add(new Route(HandlerType.GET, "/api/jobs/{job}/partitions", Route.Access.READ, this::partitions));
        r.add(new Route(HandlerType.GET, "/api/jobs/{job}/partitions/{partition}", Route.Access.READ, this::partition));
        r.add(new Route(HandlerType.GET, "/api/jobs/{job}/attempts", Route.Access.READ, this::attempts));
        r.add(new Route(HandlerType.GET, "/api/jobs/{job}/dead-letters", Route.Access.READ, this::deadLetters));
        r.add(new Route(HandlerType.GET, "/api/dead-letters/{id}", Route.Access.READ, this::deadLetter));
        r.add(new Route(HandlerType.GET, "/api/limits", Route.Access.READ, ctx -> json(ctx, views.limits(null))));
        r.add(new Route(HandlerType.GET, "/api/limits/{name}/series", Route.Access.READ, this::series));
        r.add(new Route(HandlerType.GET, "/api/breakers", Route.Access.READ, ctx -> json(ctx, views.breakers(null))));
        r.add(new Route(
                HandlerType.POST, "/api/jobs/{job}/partitions/{partition}/reset", Route.Access.MUTATE, this::reset));
        r.add(new Route(
                HandlerType.POST,
                "/api/jobs/{job}/partitions/{partition}/release",
                Route.Access.MUTATE,
                this::release));
        r.add(new Route(HandlerType.POST, "/api/limits/{name}/pause", Route.Access.MUTATE, this::pause));
        r.add(new Route(HandlerType.POST, "/api/limits/{name}/resume", Route.Access.MUTATE, this::resume));
        r.add(new Route(HandlerType.PUT, "/api/limits/{name}/rates", Route.Access.MUTATE, this::rates));
        r.add(new Route(HandlerType.POST, "/api/breakers/{name}/open", Route.Access.MUTATE, this::openBreaker));
        r.add(new Route(HandlerType.POST, "/api/breakers/{name}/close", Route.Access.MUTATE, this::closeBreaker));
        r.add(new Route(HandlerType.POST, "/api/jobs/{job}/dead-letters/replay", Route.Access.MUTATE, this::replay));
        return r;
    }

    private void health(Context ctx) {
        json(
                ctx,
                Map.of(
                        "status",
                        "ok",
                        "read_only",
                        settings.readOnly(),
                        "reads_protected",
                        settings.protectReads(),
                        "mutations",
                        settings.readOnly()
                                ? "disabled: no SLUICE_ADMIN_TOKEN is set, so this server only reads"
                                : "enabled with Authorization: Bearer <SLUICE_ADMIN_TOKEN>"));
    }

    private static void openApi(Context ctx) throws IOException {
        try (var in = AdminApi.class.getResourceAsStream("/admin/openapi.json")) {
            ctx.contentType("application/json").result(in.readAllBytes());
        }
    }

    private void metrics(Context ctx) {
        ctx.contentType(PrometheusMetrics.CONTENT_TYPE).result(AdminServer.masked(metrics.scrape()));
    }

    private void partitions(Context ctx) {
        String state = ctx.queryParam("state");
        if (state != null && !AdminData.STATES.contains(state)) {
            throw new IllegalArgumentException("state=" + state + ": must be one of " + AdminData.STATES);
        }
        json(ctx, data.partitions(ctx.pathParam("job"), state));
    }

    private void partition(Context ctx) {
        json(ctx, found(data.partition(ctx.pathParam("job"), ctx.pathParam("partition")), "partition"));
    }

    private void attempts(Context ctx) {
        json(ctx, data.attempts(ctx.pathParam("job"), ctx.queryParam("partition"), rows(ctx)));
    }

    private void deadLetters(Context ctx) {
        json(ctx, data.deadLetters(ctx.pathParam("job"), ctx.queryParam("partition"), rows(ctx)));
    }

    private void deadLetter(Context ctx) {
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("id=" + ctx.pathParam("id") + ": must be a dead letter's number");
        }
        json(ctx, found(data.deadLetter(id), "dead letter"));
    }

    private void series(Context ctx) {
        String name = ctx.pathParam("name");
        limit(name);
        Duration window =
                ctx.queryParam("minutes") == null ? DEFAULT_WINDOW : Duration.ofMinutes(bounded(ctx, "minutes", 1, 15));
        json(ctx, Map.of("limit", name, "interval_seconds", 1, "points", series.recent(name, window)));
    }

    private void reset(Context ctx) {
        json(ctx, found(data.reset(ctx.pathParam("job"), ctx.pathParam("partition")), "partition"));
    }

    private void release(Context ctx) {
        json(ctx, found(data.release(ctx.pathParam("job"), ctx.pathParam("partition")), "partition"));
    }

    private void pause(Context ctx) {
        JsonNode body = body(ctx);
        long seconds = body.path("seconds").asLong(0);
        if (seconds < 1 || seconds > MAX_PAUSE.toSeconds()) {
            throw new IllegalArgumentException("seconds: give how long to pause, from 1 to " + MAX_PAUSE.toSeconds()
                    + " (e.g. {\"seconds\": 300})");
        }
        String reason = "paused by hand"
                + (body.hasNonNull("reason") ? ": " + body.get("reason").asText() : "");
        String name = ctx.pathParam("name");
        if (!limits.pause(name, Duration.ofSeconds(seconds), reason)) {
            throw missing("limit");
        }
        json(ctx, limit(name));
    }

    private void resume(Context ctx) {
        String name = ctx.pathParam("name");
        if (!limits.resume(name)) {
            throw missing("limit");
        }
        json(ctx, limit(name));
    }

    private void rates(Context ctx) {
        JsonNode body = body(ctx);
        if (!body.path("rates").isArray()) {
            throw new IllegalArgumentException("rates: give the new paced rates, e.g. {\"rates\": [\"50/1s\"]}");
        }
        List<String> rates = new ArrayList<>();
        body.get("rates").forEach(r -> rates.add(r.asText()));
        String name = ctx.pathParam("name");
        if (!limits.changeRates(name, rates, "sluice serve (by hand)")) {
            throw missing("limit");
        }
        json(ctx, limit(name));
    }

    private void openBreaker(Context ctx) {
        long seconds = body(ctx).path("seconds").asLong(60);
        if (seconds < 1 || seconds > MAX_PAUSE.toSeconds()) {
            throw new IllegalArgumentException("seconds: from 1 to " + MAX_PAUSE.toSeconds());
        }
        String name = ctx.pathParam("name");
        if (!breakers.open(name, Duration.ofSeconds(seconds), "opened by hand")) {
            throw missing("breaker");
        }
        json(ctx, breaker(name));
    }

    private void closeBreaker(Context ctx) {
        String name = ctx.pathParam("name");
        if (!breakers.close(name)) {
            throw missing("breaker");
        }
        json(ctx, breaker(name));
    }

    /** Body (optional): {@code {"partition": "KEY", "ids": [12, 15]}}. Runs the replay before answering. */
    private void replay(Context ctx) {
        JsonNode body = body(ctx);
        String partition = body.hasNonNull("partition") ? body.get("partition").asText() : null;
        List<Long> ids = new ArrayList<>();
        if (body.has("ids")) {
            if (!body.get("ids").isArray()) {
                throw new IllegalArgumentException("ids must be a JSON array of dead-letter ids, e.g. [12, 15]");
            }
            for (JsonNode id : body.get("ids")) {
                if (!id.canConvertToLong()) {
                    throw new IllegalArgumentException("ids must be dead-letter ids (numbers), not " + id);
                }
                ids.add(id.asLong());
            }
        }
        DeadLetterReplays.Answer answer = replays.replay(ctx.pathParam("job"), partition, ids);
        ctx.status(answer.status());
        json(ctx, answer.body());
    }

    private static JsonNode body(Context ctx) {
        String text = ctx.body();
        if (text.isBlank()) {
            return Json.MAPPER.createObjectNode();
        }
        try {
            return Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the request body is not JSON: " + e.getOriginalMessage());
        }
    }

    private static int rows(Context ctx) {
        return ctx.queryParam("limit") == null ? 50 : (int) bounded(ctx, "limit", 1, MAX_ROWS);
    }

    private static long bounded(Context ctx, String name, long min, long max) {
        String text = ctx.queryParam(name);
        try {
            long value = Long.parseLong(text);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // explained below
        }
        throw new IllegalArgumentException(name + "=" + text + ": must be a whole number from " + min + " to " + max);
    }

    /** The limit as {@link LimitViews} reads it (the one place that reads limits and breakers). */
    private LimitView limit(String name) {
        return views.limits(List.of(name)).stream().findFirst().orElseThrow(() -> missing("limit"));
    }

    private BreakerView breaker(String name) {
        return views.breakers(List.of(name)).stream().findFirst().orElseThrow(() -> missing("breaker"));
    }

    private static NotFoundResponse missing(String what) {
        return new NotFoundResponse("no such " + what);
    }

    private static <T> T found(Optional<T> value, String what) {
        return value.orElseThrow(() -> new NotFoundResponse("no such " + what));
    }

    static void json(Context ctx, Object value) {
        try {
            ctx.contentType("application/json").result(AdminServer.masked(Json.MAPPER.writeValueAsString(value)));
        } catch (IOException e) {
            throw new IllegalStateException("could not write the response as JSON", e);
        }
    }
}
