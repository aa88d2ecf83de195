package dev.sluice.cli;

import java.util.List;

/**
 * Adds commands to {@code sluice}: implementations are found with {@link java.util.ServiceLoader}
 * (register the class in {@code META-INF/services/dev.sluice.cli.CommandProvider}) in every jar on
 * the launcher's classpath, e.g. the development tools of a source checkout ({@code sluice sandbox},
 * {@code demo}, {@code bench}) or a jar in {@code SLUICE_PLUGINS}.
 *
 * <p>A command is a picocli {@code @Command} object whose {@code call()} returns an exit code from
 * {@link ExitCode}; it reads settings through {@link Environment#current()} and prints through
 * {@link Console}. Failures it throws are mapped like the runner's own ({@link ExitCode#of}).
 */
public interface CommandProvider {
    /** New instances of the commands to add; a name the runner already has is refused. */
    List<Object> commands();
}
