package dev.sluice.recordcall.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.Json;
import dev.sluice.Masking;
import dev.sluice.http.Response;
import dev.sluice.http.StatusRules;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a per-record answer. A done answer must be JSON (an empty body stands for {@code null});
 * one that is not is kept as a dead letter rather than retried: the API may well have applied the
 * call, so a person must look. Excerpts are capped and known secrets masked.
 */
public final class Answers {
    /** The most characters of a body a dead letter keeps. */
    public static final int EXCERPT = 500;

    private Answers() {}

    /** An answer the call gate passed on. */
    public sealed interface Answer {
        int status();

        String excerpt();

        /** A done answer, read. */
        record Json(int status, JsonNode body) implements Answer {
            @Override
            public String excerpt() {
                return null;
            }
        }

        /** A status the rules call reject. */
        record Refused(int status, String excerpt) implements Answer {}

        /** A done status whose body is not JSON. */
        record Unreadable(int status, String excerpt, String why) implements Answer {}
    }

    /** Sorts an answer by {@code rules}: done (read as JSON) or refused. */
    public static Answer read(Response response, StatusRules rules) {
        int status = response.status();
        if (rules.verdict(status) != StatusRules.Verdict.DONE) {
            return new Answer.Refused(status, excerpt(response));
        }
        if (response.body().isEmpty()) {
            return new Answer.Json(status, dev.sluice.Json.MAPPER.nullNode());
        }
        try (InputStream in = response.body().stream()) {
            JsonNode body = Json.MAPPER.readTree(in);
            return new Answer.Json(status, body == null ? Json.MAPPER.nullNode() : body);
        } catch (IOException e) {
            String why = e.getMessage() == null
                    ? e.getClass().getSimpleName()
                    : e.getMessage().lines().findFirst().orElse("");
            return new Answer.Unreadable(status, excerpt(response), Masking.mask(why));
        }
    }

    private static String excerpt(Response response) {
        return Masking.mask(response.body().excerpt(EXCERPT));
    }
}
