package dev.sluice.cli;

import dev.sluice.db.DatabaseAccess;
import java.util.concurrent.Callable;
import org.jdbi.v3.core.Jdbi;

/**
 * The shape every read-only view command shares ({@code attempts}, {@code dead-letters},
 * {@code limits}): check the options before touching the database (rule 5), open it, read once,
 * then print one JSON object ({@code --json}) or a table. Nothing is written.
 *
 * @param <T> what the view reads
 */
abstract class ViewCommand<T> implements Callable<Integer> {
    /** Checks the options; returns the database connection's name, e.g. {@code sluice attempts orders}. */
    abstract String prepare();

    /** Reads the view's data (one database visit). */
    abstract T read(Jdbi jdbi);

    /** True to print {@link #json} instead of {@link #table}. */
    abstract boolean json();

    /** The {@code --json} result: one object. */
    abstract Object json(T data);

    /** The table: a header line, then a line per row ({@link Console#line}). */
    abstract void table(T data);

    @Override
    public final Integer call() {
        String application = prepare();
        try (DatabaseAccess db = DatabaseAccess.open(Environment.current(), application, Console::warn)) {
            T data = read(db.database().jdbi());
            if (json()) {
                Console.result(json(data));
            } else {
                table(data);
                System.out.flush();
            }
        }
        return ExitCode.OK.code;
    }
}
