package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The command line of a production installation: the runner's commands only. */
class MainTest {
    @Test
    void a_development_command_without_the_tools_jar_says_it_is_in_the_repository_build_only() {
        for (String command : new String[] {"sandbox", "demo", "bench"}) {
            Stdout result = Stdout.of(Map.of(), command, "--help");

            assertThat(result.exit()).isEqualTo(64);
            assertThat(result.json().path("message").asText())
                    .contains("sluice " + command + " is a development command of the repository build")
                    .contains("task-runner/bin/sluice " + command);
        }
    }

    @Test
    void the_help_names_the_plugin_directory() {
        Stdout help = Stdout.of(Map.of(), "--help");

        assertThat(help.exit()).isZero();
        assertThat(help.text()).contains("SLUICE_PLUGINS=DIR").doesNotContain("  sandbox  ");
    }
}
