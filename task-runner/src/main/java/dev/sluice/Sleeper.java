package dev.sluice;

import java.time.Duration;

/**
 * Waiting, injected beside {@link java.time.Clock}: production code waits through a sleeper so
 * tests can pass one that advances a manual clock instead of blocking.
 */
@FunctionalInterface
public interface Sleeper {
    /** {@link Thread#sleep(Duration)}: interruptible. */
    Sleeper SYSTEM = Thread::sleep;

    /**
     * Waits for {@code duration} (nothing for zero or less).
     *
     * @throws InterruptedException when the thread is interrupted meanwhile (a stop was asked)
     */
    void sleep(Duration duration) throws InterruptedException;
}
