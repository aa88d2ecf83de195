package dev.sluice.sandbox;

import java.nio.charset.StandardCharsets;

/**
 * The stable hash behind every per-record value derived from an id (enrichments, profiles, "every
 * N" selections): FNV-1a 64 over the id's UTF-8 bytes, then a SplitMix64 finaliser with a salt. It
 * must never change between versions or JVMs, since tests compute expectations with it.
 */
final class IdHash {
    private IdHash() {}

    /** FNV-1a 64 of the id's UTF-8 bytes. */
    static long fnv(String id) {
        long h = 0xCBF29CE484222325L;
        for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xFF)) * 0x100000001B3L;
        }
        return h;
    }

    /** A well-mixed 64-bit value of (id, salt); different salts give independent values. */
    static long of(String id, long salt) {
        long z = fnv(id) + salt * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A value in [0, bound) drawn from (id, salt). */
    static int below(String id, long salt, int bound) {
        return (int) Long.remainderUnsigned(of(id, salt), bound);
    }

    /** The id as a long when it is a canonical integer ({@code 42}, {@code -7}, not {@code 042}), else null. */
    static Long integer(String id) {
        if (!id.matches("-?(0|[1-9][0-9]{0,18})")) {
            return null;
        }
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException tooLarge) {
            return null;
        }
    }
}
