package dev.sluice.sandbox.internal;

import java.util.List;

/** The free-text notes: mostly plain, often awkward, sometimes null. Loaders must survive each one. */
final class Notes {
    static final List<String> TEXTS = List.of(
            "Leave at the door",
            "",
            "He said \"fragile\", twice",
            "a, b, c",
            "col1\tcol2\tcol3",
            "line one\nline two",
            "windows\r\nline ending",
            "C:\\orders\\new",
            "\\N",
            "NULL",
            "café crème, à la française",
            "日本からの注文",
            "🚀 fast delivery 📦",
            "it's 'quoted'",
            "  padded  ",
            "semi;colon|pipe",
            "<b>bold</b> & \"more\"",
            "{\"json\": [1, 2]}",
            "mix: \"q\", comma\ttab\nnewline \\ é 日本 🎉",
            "Call before delivery");

    private Notes() {}

    /** About 8 % null; otherwise one of {@link #TEXTS}. */
    static String pick(long draw) {
        if (Mix.below(draw, 100) < 8) {
            return null;
        }
        return TEXTS.get((int) Mix.below(draw >>> 8, TEXTS.size()));
    }
}
