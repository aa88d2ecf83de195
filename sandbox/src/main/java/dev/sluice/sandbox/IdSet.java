package dev.sluice.sandbox;

import java.util.Collections;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A set of record ids: named ids and/or every N-th id. Used for poison and malformed records.
 *
 * <p>Text form: comma-separated ids and at most one {@code every=N}, e.g. {@code 7,13,every=50};
 * {@code none} or empty for no ids. "Every N" is a function of the id alone, so tests can compute
 * it: an id that is a canonical integer (such as {@code 150}, not {@code 0150}) matches when it is
 * a multiple of N; any other id matches when the unsigned FNV-1a 64 hash of its UTF-8 bytes is a
 * multiple of N.
 *
 * @param ids   ids named one by one
 * @param every 0 for none, else every N-th id as above (&gt;= 1; 1 selects every id)
 */
public record IdSet(SortedSet<String> ids, long every) {
    /** No ids. */
    public static final IdSet NONE = new IdSet(new TreeSet<>(), 0);

    public IdSet {
        ids = Collections.unmodifiableSortedSet(new TreeSet<>(ids == null ? Set.of() : ids));
        for (String id : ids) {
            if (id.isBlank()) {
                throw new SandboxConfigException("id set: ids must not be blank");
            }
        }
        if (every < 0) {
            throw new SandboxConfigException("id set: every = " + every + ": must be >= 1 (or 0 for none)");
        }
    }

    /** Parses {@code 7,13,every=50}; {@code none} or empty gives {@link #NONE}. */
    public static IdSet parse(String what, String text) {
        String t = text == null ? "" : text.trim();
        if (t.isEmpty() || t.equals("none")) {
            return NONE;
        }
        SortedSet<String> ids = new TreeSet<>();
        long every = 0;
        for (String part : t.split(",")) {
            String item = part.trim();
            if (item.startsWith("every=")) {
                every = every(what, text, item.substring(6));
            } else if (!item.isEmpty()) {
                ids.add(item);
            }
        }
        return new IdSet(ids, every);
    }

    /** True if {@code id} is in the set. */
    public boolean matches(String id) {
        if (ids.contains(id)) {
            return true;
        }
        if (every == 0) {
            return false;
        }
        Long n = IdHash.integer(id);
        return n != null ? Math.floorMod(n, every) == 0 : Long.remainderUnsigned(IdHash.fnv(id), every) == 0;
    }

    /** True if no id matches. */
    public boolean isEmpty() {
        return ids.isEmpty() && every == 0;
    }

    /** The text form, which {@link #parse} reads back; empty for none. */
    @Override
    public String toString() {
        String named = String.join(",", ids);
        if (every == 0) {
            return named;
        }
        return named.isEmpty() ? "every=" + every : named + ",every=" + every;
    }

    private static long every(String what, String text, String value) {
        try {
            long n = Long.parseLong(value.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // one message below
        }
        throw new SandboxConfigException(
                what + " = \"" + text + "\": every=N needs a whole number N >= 1, e.g. 7,13,every=50");
    }
}
