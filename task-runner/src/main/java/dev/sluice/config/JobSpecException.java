package dev.sluice.config;

import dev.sluice.Outcome;
import dev.sluice.SluiceException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The job spec is invalid (exit 78). Lists every problem found, each with its field path, place
 * in the file, and the rule it broke, e.g.
 * {@code source.timeout = "30 sec" (jobs/orders.yaml:14): expected a duration like 30s, 5m, 1h}.
 */
public class JobSpecException extends SluiceException {
    private final List<SpecProblem> problems;

    public JobSpecException(String file, List<SpecProblem> problems) {
        super(format(file, problems));
        this.problems = List.copyOf(problems);
    }

    public List<SpecProblem> problems() {
        return problems;
    }

    private static String format(String file, List<SpecProblem> problems) {
        String header = problems.size() == 1
                ? "job spec " + file + " is invalid: "
                : "job spec " + file + " has " + problems.size() + " problems:\n  ";
        return header + problems.stream().map(SpecProblem::toString).collect(Collectors.joining("\n  "));
    }

    @Override
    public Outcome outcome() {
        return Outcome.CONFIG;
    }
}
