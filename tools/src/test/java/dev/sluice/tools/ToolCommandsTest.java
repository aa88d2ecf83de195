package dev.sluice.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The tools jar on the classpath adds its commands to {@code sluice} (the CommandProvider SPI). */
class ToolCommandsTest {
    @Test
    void the_development_commands_are_listed_with_the_runners_own() {
        Printed help = run("--help");

        assertThat(help.exit()).isZero();
        assertThat(help.stdout()).contains("  run ", "  sandbox ", "  demo ", "  bench ");
    }

    @Test
    void bench_help_prints_its_usage_and_exits_0() {
        for (String[] args :
                new String[][] {{"bench", "--help"}, {"bench", "sink", "--help"}, {"bench", "limiter", "-h"}}) {
            Printed help = run(args);

            assertThat(help.exit()).as(String.join(" ", args)).isZero();
            assertThat(help.stdout()).startsWith("Usage: sluice bench");
        }
    }

    private record Printed(int exit, String stdout) {}

    private static synchronized Printed run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            int exit = Main.execute(args);
            return new Printed(exit, out.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(stdout);
        }
    }
}
