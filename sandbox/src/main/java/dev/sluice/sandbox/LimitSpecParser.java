package dev.sluice.sandbox;

import java.time.Duration;

/** Reads the text form of a {@link LimitSpec}; every error names the whole spec and the rule. */
final class LimitSpecParser {
    private static final String FORM =
            "expected [window:|bucket:]COUNT/PERIOD[,burst=N][,name=NAME], e.g. 50/1s or bucket:10/1s,burst=50";

    private final String text;
    private LimitMode mode;
    private Long burst;
    private String name;

    LimitSpecParser(String text, LimitMode defaultMode) {
        this.text = text == null ? "" : text.trim();
        this.mode = defaultMode;
    }

    LimitSpec parse() {
        String[] parts = text.split(",", -1);
        String rate = prefix(parts[0]);
        for (int i = 1; i < parts.length; i++) {
            option(parts[i].trim());
        }
        int slash = rate.indexOf('/');
        fail(slash <= 0, FORM);
        long count = number(rate.substring(0, slash), "count");
        Duration period = period(rate.substring(slash + 1));
        fail(burst != null && mode != LimitMode.BUCKET, "burst is only for bucket limits");
        return new LimitSpec(name, mode, count, period, burst == null ? count : burst);
    }

    private String prefix(String rate) {
        int colon = rate.indexOf(':');
        if (colon < 0) {
            return rate.trim();
        }
        try {
            mode = LimitMode.parse(rate.substring(0, colon));
        } catch (SandboxConfigException e) {
            fail(true, "mode \"" + rate.substring(0, colon) + "\" must be window or bucket");
        }
        return rate.substring(colon + 1).trim();
    }

    private void option(String option) {
        if (option.startsWith("burst=")) {
            burst = number(option.substring(6), "burst");
        } else if (option.startsWith("name=")) {
            name = option.substring(5);
        } else {
            fail(true, "unknown option \"" + option + "\"; " + FORM);
        }
    }

    private Duration period(String period) {
        String p = period.trim();
        if (!p.isEmpty() && Character.isLetter(p.charAt(0))) {
            p = "1" + p;
        }
        try {
            return DurationText.parse("period", p);
        } catch (SandboxConfigException e) {
            fail(true, "period \"" + period + "\" must be a number followed by ms, s, m, h or d (e.g. 50/1s, 2000/1h)");
            return null;
        }
    }

    private long number(String value, String what) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            fail(true, what + " \"" + value + "\" must be a whole number; " + FORM);
            return 0;
        }
    }

    private void fail(boolean broken, String rule) {
        if (broken) {
            throw new SandboxConfigException("limit \"" + text + "\": " + rule);
        }
    }
}
