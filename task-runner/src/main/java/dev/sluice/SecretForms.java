package dev.sluice;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The spellings under which a secret can come back from an API or reach a text: as is, trimmed,
 * Base64 (standard and URL-safe, with and without padding), URL-encoded (query form with {@code +}
 * and {@code %20} for spaces, path-segment form, upper- and lower-case hex) and JSON-escaped (as
 * Jackson writes it, with {@code \/}, and ASCII-only with {@code \\uXXXX}). An echo of the key in
 * any of them is the key.
 */
final class SecretForms {
    private static final Pattern PERCENT = Pattern.compile("%[0-9A-F]{2}");
    private static final Pattern UNICODE_ESCAPE = Pattern.compile("\\\\u[0-9A-F]{4}");
    /** RFC 3986 unreserved characters, which no encoder escapes. */
    private static final String UNRESERVED = "-._~";
    /** What a path segment may hold besides unreserved characters (RFC 3986 pchar). */
    private static final String PATH_CHARS = "!$&'()*+,;=:@";

    private SecretForms() {}

    static Set<String> of(String value) {
        Set<String> forms = new LinkedHashSet<>();
        for (String v : List.of(value, value.strip())) {
            forms.add(v);
            base64(forms, v);
            urlEncoded(forms, v);
            jsonEscaped(forms, v);
        }
        return forms;
    }

    private static void base64(Set<String> forms, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        forms.add(Base64.getEncoder().encodeToString(bytes));
        forms.add(Base64.getEncoder().withoutPadding().encodeToString(bytes));
        forms.add(Base64.getUrlEncoder().encodeToString(bytes));
        forms.add(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
    }

    private static void urlEncoded(Set<String> forms, String value) {
        String query = URLEncoder.encode(value, StandardCharsets.UTF_8);
        for (String encoded : List.of(
                query,
                query.replace("+", "%20"),
                percentEncoded(value, UNRESERVED + PATH_CHARS),
                percentEncoded(value, UNRESERVED))) {
            forms.add(encoded);
            forms.add(lowerHex(encoded));
        }
    }

    /** Every UTF-8 byte percent-encoded except ASCII letters, digits and {@code keep}. */
    private static String percentEncoded(String value, String keep) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xFF);
            if (c < 0x80 && (Character.isLetterOrDigit(c) || keep.indexOf(c) >= 0)) {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xFF));
            }
        }
        return out.toString();
    }

    private static String lowerHex(String encoded) {
        return lowerCased(PERCENT, encoded);
    }

    /** {@code text} with every match of {@code escape} in lower case (hex digits as some encoders write them). */
    private static String lowerCased(Pattern escape, String text) {
        Matcher m = escape.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(m.group().toLowerCase(Locale.ROOT)));
        }
        return m.appendTail(out).toString();
    }

    /** JSON-escaped once, and once more: an API that quotes a JSON text (its own echo) in a JSON body. */
    private static void jsonEscaped(Set<String> forms, String value) {
        Set<String> once = new LinkedHashSet<>();
        jsonEscapedOnce(once, value);
        forms.addAll(once);
        for (String escaped : once) {
            if (!escaped.equals(value)) {
                jsonEscapedOnce(forms, escaped);
            }
        }
    }

    private static void jsonEscapedOnce(Set<String> forms, String value) {
        for (boolean asciiOnly : new boolean[] {false, true}) {
            String escaped = json(value, asciiOnly);
            for (String form : List.of(escaped, escaped.replace("/", "\\/"))) {
                forms.add(form);
                forms.add(lowerHexEscapes(form));
            }
        }
    }

    private static String json(String value, boolean asciiOnly) {
        StringBuilder out = new StringBuilder();
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || (asciiOnly && c > 0x7E)) {
                        out.append(String.format("\\u%04X", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    private static String lowerHexEscapes(String escaped) {
        return lowerCased(UNICODE_ESCAPE, escaped);
    }
}
