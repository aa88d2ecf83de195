package dev.sluice.admin;

import io.javalin.http.Handler;
import io.javalin.http.HandlerType;

/**
 * One route of the admin server. The server registers exactly these, and a test checks that
 * {@code /openapi.json} documents exactly these, so the two cannot drift apart.
 *
 * @param path in Javalin's form, {@code /api/limits/{name}}: OpenAPI's form too
 */
record Route(HandlerType method, String path, Access access, Handler handler) {
    /** Who may call a route. */
    enum Access {
        /** Anyone: health and the page (its data comes from the API, which checks the token). */
        OPEN,
        /** Anyone, unless reads are protected ({@link AdminSettings#protectReads()}). */
        READ,
        /** The admin token only; refused when none is configured. */
        MUTATE
    }
}
