package dev.sluice.cli;

import java.util.Set;

/**
 * Adds commands to {@code sluice}: implementations are found with {@link java.util.ServiceLoader}
 * (register the class in {@code META-INF/services/dev.sluice.cli.CommandProvider}) in every jar on
 * the launcher's classpath, e.g. the development tools of a source checkout ({@code sluice sandbox},
 * {@code demo}, {@code bench}) or a jar in {@code SLUICE_PLUGINS}.
 *
 * <p>A command is a picocli {@code @Command} object whose {@code call()} returns an exit code from
 * {@link ExitCode}; it reads settings through {@link Environment#current()} and prints through
 * {@link Console}. Failures it throws are mapped like the runner's own ({@link ExitCode#of}).
 * Commands are built only when asked for (the command line names them, or asks for help), so a
 * provider costs a {@code sluice run} nothing but its {@link #names()}.
 */
public interface CommandProvider {
    /** The names of the commands this provider adds; a name the runner already has is refused. */
    Set<String> names();

    /** A new instance of the command {@code name} (one of {@link #names()}). */
    Object command(String name);
}
