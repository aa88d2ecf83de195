package dev.sluice.tools;

import dev.sluice.cli.CommandProvider;
import java.util.List;

/** Adds the development commands to {@code sluice} when this module's jar is on the classpath. */
public final class ToolCommands implements CommandProvider {
    @Override
    public List<Object> commands() {
        return List.of(new SandboxCommand(), new DemoCommand(), new BenchCommand());
    }
}
