package dev.sluice.sandbox.internal;

import io.javalin.http.Context;
import java.time.Instant;

/** Who may call an endpoint and what a call costs in units: the rules {@link Gate} applies in its order. */
interface Access {
    /** The static bearer token of {@code SandboxConfig.token()}, no cost: the orders and events endpoints. */
    Access TOKEN = new TokenAccess();

    /** Null when the caller may proceed, else the 401 to answer. */
    Unauthorized check(Context ctx, Live live, Instant now);

    /** The request's cost in units (0 for none); throws an {@link ApiError} (400) for a bad one. */
    long cost(Context ctx, Live live);

    /**
     * A 401.
     *
     * @param challenge the {@code WWW-Authenticate} header
     * @param code      the error code of the JSON body
     */
    record Unauthorized(String challenge, String code, String message) {}
}
