package dev.sluice.admin;

import dev.sluice.Masking;
import dev.sluice.admin.internal.RecordedSeries;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code sluice serve}: the admin API, {@code /metrics}, {@code /health} and the page, on Javalin 7
 * with virtual threads. Every route is one of {@link AdminApi#routes()}; each response body goes
 * through {@link Masking#mask} on its way out, so a secret an API echoed into a dead letter, an
 * error or a watermark never leaves in a response.
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("sluice.admin");

    private final Javalin app;

    private AdminServer(Javalin app) {
        this.app = app;
    }

    /** Starts the server on the settings' address; {@link #port()} tells the port it got. */
    public static AdminServer start(AdminSettings settings, Jdbi jdbi) {
        return start(settings, jdbi, DeadLetterReplays.NONE);
    }

    /** The same, replaying dead letters through {@code replays}. */
    public static AdminServer start(AdminSettings settings, Jdbi jdbi, DeadLetterReplays replays) {
        LimitSeries series = new RecordedSeries(jdbi);
        BearerToken token = new BearerToken(settings.token());
        List<Route> routes = new AdminApi(jdbi, series, settings, replays).routes();
        Javalin app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.startup.startupWatcherEnabled = false; // it would keep a stopped server's JVM alive 5 s
            cfg.concurrency.useVirtualThreads = true;
            cfg.jetty.host = settings.bind();
            cfg.jetty.port = settings.port();
            cfg.staticFiles.add(files -> {
                files.hostedPath = "/";
                files.directory = "/admin/page";
                files.location = Location.CLASSPATH;
            });
            cfg.staticFiles.enableWebjars();
            for (Route route : routes) {
                cfg.routes.addHttpHandler(route.method(), route.path(), ctx -> {
                    if (allowed(route.access(), settings, token, ctx)) {
                        route.handler().handle(ctx);
                    }
                });
            }
            cfg.routes.exception(IllegalArgumentException.class, (e, ctx) -> error(ctx, 400, e.getMessage()));
            cfg.routes.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(), e.getMessage()));
            cfg.routes.exception(Exception.class, (e, ctx) -> {
                LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
                error(ctx, 500, "the server failed: " + e.getClass().getSimpleName() + " (see the server's log)");
            });
        });
        app.start();
        return new AdminServer(app);
    }

    private static boolean allowed(Route.Access access, AdminSettings settings, BearerToken token, Context ctx) {
        boolean needsToken = access == Route.Access.MUTATE || (access == Route.Access.READ && settings.protectReads());
        if (!needsToken) {
            return true;
        }
        if (!token.configured()) {
            error(
                    ctx,
                    403,
                    "this server is read-only: no SLUICE_ADMIN_TOKEN was set when it started."
                            + " Restart sluice serve with SLUICE_ADMIN_TOKEN to allow changes.");
            return false;
        }
        if (!token.accepts(ctx.header("Authorization"))) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"sluice\"");
            error(
                    ctx,
                    401,
                    "send the admin token: Authorization: Bearer <SLUICE_ADMIN_TOKEN>"
                            + (ctx.header("Authorization") == null ? "" : " (the one sent is not it)"));
            return false;
        }
        return true;
    }

    private static void error(Context ctx, int status, String message) {
        ctx.status(status);
        AdminApi.json(ctx, Map.of("error", message == null ? "" : message, "status", status));
    }

    /** The masking every response body goes through. */
    static String masked(String body) {
        return Masking.mask(body);
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }
}
