/**
 * Benchmarks that need to run inside the runner's JVM, on its real classes: {@link SinkBench}
 * (the page path against a raw COPY) and {@link LimiterBench} (the shared limit's own ceiling).
 * {@code sluice bench ...} runs them; {@code bench/} holds the harness scripts that start the
 * database, run them side by side with their baselines and keep the results.
 *
 * <p>House rule: each figure is a ratio against a baseline measured in the same process or
 * script, with the machine noted; nothing here asserts a time.
 */
package dev.sluice.bench;
