package dev.sluice.sandbox.internal;

import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/** JSON responses, written as bytes so that faults can cut them exactly. */
final class Replies {
    static final String JSON = "application/json";

    private Replies() {}

    static byte[] bytes(Object body) {
        try {
            return Json.MAPPER.writeValueAsBytes(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a sandbox response", e);
        }
    }

    static void json(Context ctx, int status, Object body) {
        ctx.status(status).contentType(JSON).result(body instanceof byte[] b ? b : bytes(body));
    }

    static void error(Context ctx, int status, String code, String message) {
        json(ctx, status, errorBody(code, message));
    }

    static Map<String, Object> errorBody(String code, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", code);
        body.put("message", message);
        return body;
    }
}
