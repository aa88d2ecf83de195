package dev.sluice.recordcall;

import java.util.List;

/**
 * {@code call.check}: how to ask the API whether an in-doubt call was applied
 * ({@code in_doubt: check}): a GET whose answer, when applied, stands for the call's own answer.
 *
 * @param url     the GET's URL, templated like the call's
 * @param applied statuses that mean "applied": the body is mapped as the call's answer (default 200)
 * @param absent  statuses that mean "not applied": the call is sent (default 404)
 */
public record CheckConfig(String url, List<Integer> applied, List<Integer> absent) {
    public CheckConfig {
        applied = applied == null ? List.of(200) : List.copyOf(applied);
        absent = absent == null ? List.of(404) : List.copyOf(absent);
    }
}
