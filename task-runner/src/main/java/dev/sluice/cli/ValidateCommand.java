package dev.sluice.cli;

import dev.sluice.job.JobSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code sluice validate}: checks a job spec without touching the database or the API. */
@Command(
        mixinStandardHelpOptions = true,
        name = "validate",
        description = "Check a job spec: every problem with file:line, exit 78 if any.")
final class ValidateCommand implements Callable<Integer> {
    @Mixin
    JobOption job;

    @Override
    public Integer call() {
        JobSpec spec = job.load();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("job", spec.name());
        out.put("valid", true);
        out.put("partitions", spec.partitions().type().toString());
        out.put(spec.call() == null ? "source" : "input", spec.source().describe());
        if (spec.call() != null) {
            out.put("call", spec.call().describe());
        }
        out.put("sink", spec.sink().describe());
        Console.info(
                "{} is valid: {} partitions; source {}; sink {}",
                spec.file(),
                spec.partitions().type(),
                spec.source().describe(),
                spec.sink().describe());
        Console.result(out);
        return ExitCode.OK.code;
    }
}
