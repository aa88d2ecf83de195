package dev.sluice.sandbox.internal;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Opaque page cursors: base64url of {@code o:<offset>}. Anything else is a 400. */
final class Cursor {
    private static final String PREFIX = "o:";

    private Cursor() {}

    static String encode(long offset) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString((PREFIX + offset).getBytes(StandardCharsets.UTF_8));
    }

    static long decode(String cursor) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (text.startsWith(PREFIX)) {
                long offset = Long.parseLong(text.substring(PREFIX.length()));
                if (offset >= 0 && text.equals(PREFIX + offset)) {
                    return offset;
                }
            }
        } catch (IllegalArgumentException notBase64OrNumber) {
            // one message below
        }
        throw ApiError.badRequest(
                "invalid_cursor", "cursor is not one this API issued; use next_cursor from the previous page");
    }
}
