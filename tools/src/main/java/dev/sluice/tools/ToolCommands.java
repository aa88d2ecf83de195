package dev.sluice.tools;

import dev.sluice.cli.CommandProvider;
import java.util.Set;

/** Adds the development commands to {@code sluice} when this module's jar is on the classpath. */
public final class ToolCommands implements CommandProvider {
    @Override
    public Set<String> names() {
        return Set.of("sandbox", "demo", "bench");
    }

    @Override
    public Object command(String name) {
        return switch (name) {
            case "sandbox" -> new SandboxCommand();
            case "demo" -> new DemoCommand();
            case "bench" -> new BenchCommand();
            default -> throw new IllegalArgumentException("no tool command " + name);
        };
    }
}
