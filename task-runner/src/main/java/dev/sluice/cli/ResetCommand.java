package dev.sluice.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "reset", description = "TODO")
final class ResetCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UnsupportedOperationException("reset is not built yet");
    }
}
