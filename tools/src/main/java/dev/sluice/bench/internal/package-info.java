/** Contenders, baselines and instruments of the benchmarks; not used outside {@code dev.sluice.bench}. */
package dev.sluice.bench.internal;
