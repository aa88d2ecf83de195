package dev.sluice.sandbox.internal;

import dev.sluice.sandbox.FailWindow;
import dev.sluice.sandbox.SandboxConfig;
import dev.sluice.sandbox.SandboxStats;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.InstantSource;
import java.util.function.UnaryOperator;

/** The Javalin server behind {@code Sandbox}: routes, error rendering and the runtime controls. */
public final class SandboxServer implements AutoCloseable {
    private final SandboxState state;
    private final RecordControls records;
    private final Javalin app;

    private SandboxServer(SandboxConfig config, InstantSource clock) {
        this.state = new SandboxState(config, clock);
        Gate gate = new Gate(state);
        Delivery delivery = new Delivery(state.stats, clock);
        OrdersHandler orders = new OrdersHandler(state, gate, delivery);
        EventsHandler events = new EventsHandler(state, gate, delivery);
        AdminHandler admin = new AdminHandler(state);
        this.records = new RecordControls(state);
        RecordsApi recordsApi = new RecordsApi(state, gate, delivery);
        TokenEndpoint tokens = new TokenEndpoint(state);
        this.app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.startup.startupWatcherEnabled = false;
            cfg.concurrency.useVirtualThreads = true;
            cfg.http.compressionStrategy = CompressionStrategy.NONE;
            cfg.routes.get("/v1/orders", orders::handle);
            cfg.routes.post("/v1/events", events::handle);
            recordsApi.register(cfg.routes);
            cfg.routes.post("/oauth/token", tokens::handle);
            admin.register(cfg.routes);
            new RecordsAdmin(records).register(cfg.routes);
            cfg.routes.exception(ApiError.class, this::apiError);
        });
    }

    public static SandboxServer start(SandboxConfig config, InstantSource clock) {
        SandboxServer server = new SandboxServer(config, clock);
        server.app.start(config.host(), config.port());
        return server;
    }

    public int port() {
        return app.port();
    }

    public SandboxConfig config() {
        return state.live().config();
    }

    /** The per-record API's and OAuth's runtime controls. */
    public RecordControls records() {
        return records;
    }

    public SandboxStats stats() {
        return state.stats.snapshot();
    }

    public void resetStats() {
        state.stats.reset();
    }

    public SandboxConfig reconfigure(UnaryOperator<SandboxConfig> change) {
        return state.reconfigure(change);
    }

    public void outage(Duration length) {
        state.outages.add(state.clock.instant(), length);
    }

    public void failFirst(String partition, int times) {
        state.failures.set(partition, new FailWindow(0, times), "fail-first");
    }

    public void failAt(String partition, FailWindow window) {
        state.failures.set(partition, window, "fail-at");
    }

    @Override
    public void close() {
        app.stop();
    }

    private void apiError(ApiError e, Context ctx) {
        state.stats.status(e.status);
        Replies.error(ctx, e.status, e.code, e.getMessage());
    }
}
