package dev.sluice.cli;

import dev.sluice.SluiceException;
import dev.sluice.admin.DeadLetterReplays;
import dev.sluice.config.JobSpecException;
import dev.sluice.db.Database;
import dev.sluice.job.JobSpec;
import dev.sluice.job.JobSpecLoader;
import dev.sluice.run.RecordReplay;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The admin server's replay route for {@code sluice serve --jobs DIR}: finds the job's spec among
 * the YAML files of {@code DIR} (read at each request, so an edited spec is the one used) and runs
 * the replay as {@code sluice replay} does, over the server's database. Exit codes become HTTP
 * statuses: dead letters still failing 409, a usage error 400, an invalid spec 422, a temporary
 * failure (API down, partition held) 503.
 */
final class ServedReplays implements DeadLetterReplays {
    private final Path jobs;
    private final Map<String, String> env;
    private final Database database;

    ServedReplays(Path jobs, Map<String, String> env, Database database) {
        this.jobs = jobs;
        this.env = env;
        this.database = database;
    }

    @Override
    public Answer replay(String job, String partition, List<Long> ids) {
        try {
            Found found = find(job);
            JobSpec spec = found.spec();
            if (spec == null && !found.invalid().isEmpty()) {
                return new Answer(
                        422,
                        Map.of(
                                "error",
                                "no valid spec of job " + job + " in " + jobs + "; these do not load: "
                                        + String.join(", ", found.invalid()) + " (sluice validate FILE says why)"));
            }
            if (spec == null) {
                return new Answer(
                        404,
                        Map.of("error", "no job " + job + " among the specs in " + jobs + " (sluice serve --jobs)"));
            }
            ReplayCommand.Replayed replayed = ReplayCommand.replay(spec, env, database, partition, ids);
            RecordReplay.Result result = replayed.result();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("job", spec.name());
            body.put("status", result.stillFailing().isEmpty() ? "done" : "dead_letters_remain");
            body.put("replayed", result.replayed());
            body.put("cleared", result.cleared());
            body.put("still_failing", result.stillFailing());
            body.put("not_replayable", result.notReplayable());
            body.put("trace_id", replayed.traceId());
            return new Answer(result.stillFailing().isEmpty() ? 200 : 409, body);
        } catch (SluiceException e) {
            int status = switch (ExitCode.of(e)) {
                case USAGE -> 400;
                case CONFIG -> 422;
                case TEMPORARY -> 503;
                case DATA -> 409;
                default -> 500;
            };
            return new Answer(status, Map.of("error", e.getMessage()));
        }
    }

    /** The spec of the job asked for (null when none is), and the files that did not load. */
    private record Found(JobSpec spec, List<String> invalid) {}

    private Found find(String job) {
        List<String> invalid = new ArrayList<>();
        try (Stream<Path> files = Files.list(jobs)) {
            for (Path file : files.filter(ServedReplays::yaml).sorted().toList()) {
                try {
                    JobSpec spec = new JobSpecLoader(env).load(file);
                    if (spec.name().equals(job)) {
                        return new Found(spec, invalid);
                    }
                } catch (JobSpecException e) {
                    invalid.add(file.getFileName().toString());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the job specs in " + jobs, e);
        }
        return new Found(null, invalid);
    }

    private static boolean yaml(Path file) {
        String name = file.getFileName().toString();
        return Files.isRegularFile(file) && (name.endsWith(".yaml") || name.endsWith(".yml"));
    }
}
