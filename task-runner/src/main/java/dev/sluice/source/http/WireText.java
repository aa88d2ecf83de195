package dev.sluice.source.http;

import dev.sluice.config.Secret;
import dev.sluice.config.SpecCheck;
import java.util.Locale;
import java.util.Set;

/**
 * What the JDK's HTTP client refuses to send, checked when the spec loads so that {@code validate}
 * refuses it (exit 78) rather than a run failing on its first request, with the header value in
 * the client's exception. Mirrors {@code jdk.internal.net.http.common.Utils} as observed on JDK 25:
 * header names it sets itself are restricted, and a header value may hold tab, printable ASCII
 * and Latin-1 characters only.
 */
final class WireText {
    /** Names the JDK client refuses (unless {@code jdk.httpclient.allowRestrictedHeaders} says otherwise). */
    static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade");

    private WireText() {}

    static void checkHeader(SpecCheck check, String field, String name, String value) {
        checkHeaderName(check, field, name);
        if (value != null) {
            checkValue(check, field, value);
        }
    }

    static void checkHeaderName(SpecCheck check, String field, String name) {
        if (name != null && RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
            check.failSecret(
                    field,
                    "the HTTP client sets " + name + " itself and refuses it from a spec; remove it "
                            + "(restricted: Connection, Content-Length, Expect, Host, Upgrade)");
        }
    }

    /** A secret bound for a header; its flaws (whitespace, control characters) are reported at binding. */
    static void checkHeaderValue(SpecCheck check, String field, Secret secret) {
        if (secret != null) {
            checkValue(check, field, secret.reveal());
        }
    }

    private static void checkValue(SpecCheck check, String field, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c > 0xFF) {
                check.failSecret(
                        field,
                        "a header value may hold ASCII and Latin-1 characters only; this one has "
                                + "a character beyond them (at position " + (i + 1)
                                + "); encode the value as the API asks");
                return;
            }
        }
    }

    /** Query values are URL-encoded, but a control character in one is a broken variable, never meant. */
    static void checkQueryValue(SpecCheck check, String field, String value) {
        if (value != null && value.chars().anyMatch(Character::isISOControl)) {
            check.fail(field, "contains a control character (a line break, tab or NUL); remove it");
        }
    }
}
