package dev.sluice.sandbox.internal;

import java.nio.charset.StandardCharsets;

/**
 * Stable 64-bit hashing (FNV-1a, SplitMix64 finaliser). Data and faults are functions of these
 * values, so they must never change between versions or JVMs (unlike {@code SplittableRandom}).
 */
final class Mix {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private Mix() {}

    static long of(long... parts) {
        long h = GOLDEN;
        for (long part : parts) {
            h = mix(h ^ mix(part + GOLDEN));
        }
        return h;
    }

    static long hash(String text) {
        long h = 0xCBF29CE484222325L;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xFF)) * 0x100000001B3L;
        }
        return h;
    }

    /** A uniform double in [0, 1). */
    static double unit(long h) {
        return (h >>> 11) * 0x1.0p-53;
    }

    /** A uniform long in [0, bound). */
    static long below(long h, long bound) {
        return Math.floorMod(h, bound);
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
