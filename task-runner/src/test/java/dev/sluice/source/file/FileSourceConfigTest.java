package dev.sluice.source.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.config.JobSpecException;
import dev.sluice.job.JobSpec;
import dev.sluice.job.JobSpecLoader;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What {@code validate} decides about a file source without reading the file. */
class FileSourceConfigTest {
    private static JobSpec load(String source) {
        return new JobSpecLoader(Map.of()).load("jobs/t.yaml", """
                job: t
                partitions: {type: daily}
                source: {type: file, %s}
                sink: {type: postgres, table: t, key: [id], columns: {id: {path: $.id}}}
                """.formatted(source));
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("key: id", "source.path (jobs/t.yaml:3): is required"),
                Arguments.of("path: in.jsonl", "source.key (jobs/t.yaml:3): is required"),
                Arguments.of(
                        "path: in.txt, key: id",
                        "source.format (jobs/t.yaml:3): is required when the path does not end in .jsonl, .ndjson or .csv"),
                Arguments.of(
                        "path: in.txt, format: xml, key: id",
                        "source.format = \"xml\" (jobs/t.yaml:3): format must be jsonl or csv"),
                Arguments.of(
                        "path: \"in-{partition.value}.jsonl\", key: id",
                        "{partition.value} is not a variable of this job's partitions"),
                Arguments.of(
                        "path: in.jsonl, key: id, delimiter: \";\"",
                        "source.delimiter = \";\" (jobs/t.yaml:3): is for format: csv only"),
                Arguments.of(
                        "path: in.csv, key: id, delimiter: \"ab\"",
                        "source.delimiter = \"ab\" (jobs/t.yaml:3): must be one ASCII character"),
                Arguments.of(
                        "path: in.csv, key: id, quote: \",\"",
                        "source.quote = \",\" (jobs/t.yaml:3): must differ from the delimiter"),
                Arguments.of(
                        "path: in.csv, key: id, delimiter: \"\\n\"",
                        "source.delimiter = \"\\n\" (jobs/t.yaml:3): cannot be a line break"),
                Arguments.of(
                        "path: in.csv, key: id, page_size: 0",
                        "source.page_size = \"0\" (jobs/t.yaml:3): must be from 1 to 100000"),
                Arguments.of(
                        "path: in.csv, key: id, max_record_bytes: 10",
                        "source.max_record_bytes = \"10\" (jobs/t.yaml:3): must be from 1024 to 67108864"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void validate_refuses_naming_the_field_its_line_and_the_rule(String source, String message) {
        assertThatThrownBy(() -> load(source))
                .isInstanceOf(JobSpecException.class)
                .hasMessageContaining(message);
    }

    @Test
    void validate_takes_the_format_from_the_extension_and_reads_no_file() {
        assertThat(load("path: \"/nowhere/orders-{partition.start}.ndjson\", key: id")
                        .source()
                        .describe())
                .isEqualTo("jsonl file /nowhere/orders-{partition.start}.ndjson, keyed by id (pages of 1000)");
        assertThat(load("path: /nowhere/in.CSV, key: id, delimiter: \"\\t\"")
                        .source()
                        .recordKey())
                .contains("id");
    }
}
