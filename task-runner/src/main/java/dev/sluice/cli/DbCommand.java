package dev.sluice.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "db", description = "TODO")
final class DbCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UnsupportedOperationException("db is not built yet");
    }
}
