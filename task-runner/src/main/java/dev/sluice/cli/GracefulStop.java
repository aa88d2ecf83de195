package dev.sluice.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGTERM (and SIGINT) during a run. The first signal asks the run to stop and interrupts the
 * thread running it, wherever it waits (a permit, a backoff, the API's answer, a lease): the run
 * records its attempt, releases its lease, prints its summary and exits 75. If it has not finished
 * {@link #GRACE} later (a database that does not answer), or a second signal comes, {@code hardStop}
 * ends the process at once. Docker and Kubernetes wait 10 s after SIGTERM before SIGKILL.
 *
 * <p>The JVM's own SIGTERM handling (shutdown hooks) cannot take a second signal, and a hook cannot
 * let the run thread call {@code System.exit}; so the handlers replace it for the run's duration,
 * and fall back to a shutdown hook where signals cannot be handled (a JVM started with {@code -Xrs}).
 */
final class GracefulStop implements AutoCloseable {
    /** How long a stopping run may take before the process ends without it. */
    static final Duration GRACE = Duration.ofSeconds(8);

    private final AtomicBoolean requested = new AtomicBoolean();
    private final AtomicInteger signals = new AtomicInteger();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread runner;
    private final Consumer<String> hardStop;
    private final List<Runnable> restore = new ArrayList<>();

    private GracefulStop(Thread runner, Consumer<String> hardStop) {
        this.runner = runner;
        this.hardStop = hardStop;
    }

    /**
     * Handles SIGTERM and SIGINT for the current thread's run until {@link #close()}.
     *
     * @param hardStop ends the process now, given why (prints a summary if none was, exits 75)
     */
    static GracefulStop install(Consumer<String> hardStop) {
        GracefulStop stop = new GracefulStop(Thread.currentThread(), hardStop);
        for (String name : List.of("TERM", "INT")) {
            try {
                Signal signal = new Signal(name);
                SignalHandler previous = Signal.handle(signal, s -> stop.signalled("SIG" + name));
                stop.restore.add(() -> Signal.handle(signal, previous));
            } catch (IllegalArgumentException notHandled) {
                Thread hook = Thread.ofPlatform().unstarted(() -> stop.onShutdown("SIG" + name));
                Runtime.getRuntime().addShutdownHook(hook);
                stop.restore.add(() -> removeHook(hook));
                break;
            }
        }
        return stop;
    }

    /** True once a signal asked the run to stop. */
    boolean requested() {
        return requested.get();
    }

    /** The run printed its summary: nothing left for a hard stop to do. */
    void finished() {
        finished.countDown();
    }

    private void signalled(String name) {
        if (signals.incrementAndGet() > 1) {
            hardStop.accept("a second " + name + " came while the run was stopping");
            return;
        }
        requested.set(true);
        runner.interrupt();
        Thread.ofPlatform().daemon().name("sluice-stop-deadline").start(() -> {
            if (!awaitFinished()) {
                hardStop.accept("the run did not stop within " + GRACE.toSeconds() + " s of " + name);
            }
        });
    }

    /** The JVM is already exiting: the same stop, then this hook must end the process itself. */
    private void onShutdown(String name) {
        requested.set(true);
        runner.interrupt();
        if (!awaitFinished()) {
            hardStop.accept("the run did not stop within " + GRACE.toSeconds() + " s of " + name);
        }
        hardStop.accept(null);
    }

    private boolean awaitFinished() {
        try {
            return finished.await(GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        restore.forEach(Runnable::run);
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is exiting: the hook is running and ends the process
        }
    }
}
