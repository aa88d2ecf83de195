package dev.sluice.recordcall;

import java.util.Locale;

/**
 * What a run does with a call that an earlier attempt marked sent and never finished (it crashed
 * or was killed while the request was out): the API may or may not have applied it.
 */
public enum InDoubt {
    /** Send it again with the same idempotency key: right when the API honours keys. */
    RESEND,
    /** Ask the API with {@code call.check} (a GET) whether it was applied; send it only if not. */
    CHECK,
    /** Do not send it again: store it as a dead letter for a person to look at. */
    DEAD_LETTER;

    /** {@code resend}, {@code check} or {@code dead_letter}. */
    public static InDoubt parse(String text) {
        return switch (text == null ? "resend" : text.toLowerCase(Locale.ROOT)) {
            case "resend" -> RESEND;
            case "check" -> CHECK;
            case "dead_letter" -> DEAD_LETTER;
            default -> null;
        };
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
