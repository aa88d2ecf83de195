package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** The plain form of {@code sluice run} is read without picocli, exactly as picocli reads it. */
class QuickRunTest {
    @Test
    void reads_exactly_the_options_run_has() {
        List<String> picocli = new CommandLine(new RunCommand())
                .getCommandSpec().options().stream()
                        .filter(o -> !o.usageHelp() && !o.versionHelp())
                        .map(OptionSpec::longestName)
                        .sorted()
                        .toList();

        assertThat(QuickRun.OPTIONS.stream().sorted().toList()).isEqualTo(picocli);
    }

    @Test
    void reads_the_plain_forms_as_picocli_does() {
        for (String[] args : List.of(
                new String[] {"run", "--job", "dags/jobs/orders.yaml", "--partition", "2026-11-01"},
                new String[] {"run", "--partition", "eu", "--job", "a b.yaml", "--force"},
                new String[] {"run", "--job=jobs/x.yaml", "--partition=03-of-16", "--spec-sha256", "ab12"},
                new String[] {"run", "--force", "--spec-sha256=ff", "--job", "x.yaml", "--partition", "2026-11-01T05"
                })) {
            RunCommand quick = QuickRun.parse(args);
            RunCommand picocli = new RunCommand();
            new CommandLine(picocli).parseArgs(java.util.Arrays.copyOfRange(args, 1, args.length));

            assertThat(quick).as(String.join(" ", args)).isNotNull();
            assertThat(quick.job.file).isEqualTo(picocli.job.file);
            assertThat(quick.job.sha256).isEqualTo(picocli.job.sha256);
            assertThat(quick.partition).isEqualTo(picocli.partition);
            assertThat(quick.force).isEqualTo(picocli.force);
        }
    }

    @Test
    void leaves_everything_else_to_picocli() {
        for (String[] args : List.of(
                new String[] {"run", "--help"},
                new String[] {"run", "--job", "x.yaml", "--partition", "p", "--help"},
                new String[] {"run", "--job", "x.yaml", "--force", "--verbose"},
                new String[] {"run", "--job", "x.yaml", "--job", "y.yaml", "--partition", "p"},
                new String[] {"run", "--job", "x.yaml", "--partition", "--force"},
                new String[] {"run", "--job", "x.yaml", "--partition", "p", "--force", "--force"},
                new String[] {"run", "--job", "x.yaml", "--partition", "p", "--force=true"},
                new String[] {"run", "--job=", "--partition", "p", "--force"},
                new String[] {"run", "--job", "x.yaml", "--partition", "p", "extra"},
                new String[] {"plan", "--job", "x.yaml", "--from", "2026-11-01"})) {
            assertThat(QuickRun.parse(args)).as(String.join(" ", args)).isNull();
        }
    }

    @Test
    void a_plain_run_that_fails_prints_its_summary_and_exit_code() {
        Stdout result =
                Stdout.of(Map.of(), "run", "--job", "/nonexistent/sluice-quick-run.yaml", "--partition", "2026-11-01");

        assertThat(result.exit()).isEqualTo(78);
        assertThat(result.json().path("status").asText()).isEqualTo("failed");
        assertThat(result.json().path("message").asText()).contains("sluice-quick-run.yaml");
    }
}
