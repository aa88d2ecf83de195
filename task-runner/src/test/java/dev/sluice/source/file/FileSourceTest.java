package dev.sluice.source.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.Json;
import dev.sluice.Outcome;
import dev.sluice.job.JobSpec;
import dev.sluice.job.JobSpecLoader;
import dev.sluice.partition.Partition;
import dev.sluice.source.Page;
import dev.sluice.source.Source;
import dev.sluice.source.SourceContext;
import dev.sluice.source.Unreadable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file source on real files: paging, positions, resuming by offset, CSV quoting, hostile input. */
class FileSourceTest {
    @TempDir
    Path dir;

    private Source source(String section) {
        JobSpec spec = new JobSpecLoader(Map.of()).load(dir.resolve("job.yaml").toString(), """
                job: t
                partitions: {type: list, values: [a, b]}
                source:
                %s
                sink: {type: postgres, table: t, key: [id], columns: {id: {path: $.id}}}
                """.formatted(
                        ("type: file\n" + section).indent(2).stripTrailing()));
        return spec.source().open(new SourceContext(spec.partitions().parse("a"), null, Clock.systemUTC(), null));
    }

    private static Partition partition() {
        return new Partition("a", Map.of("value", "a"));
    }

    private static List<Page> pages(Source source, JsonNode position) {
        List<Page> pages = new ArrayList<>();
        Page page;
        do {
            page = source.read(partition(), position);
            pages.add(page);
            position = page.next();
        } while (!page.last());
        return pages;
    }

    private static List<String> ids(List<Page> pages) {
        return pages.stream()
                .flatMap(p -> p.records().stream())
                .map(r -> r.get("id").asText())
                .toList();
    }

    private static List<String> errors(List<Page> pages) {
        return pages.stream()
                .flatMap(p -> p.unreadable().stream())
                .map(Unreadable::error)
                .toList();
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    private Path jsonl(String name, int records) throws IOException {
        StringBuilder text = new StringBuilder();
        IntStream.rangeClosed(1, records)
                .forEach(i -> text.append("{\"id\": \"r")
                        .append(i)
                        .append("\", \"amount\": ")
                        .append(i)
                        .append(".50}\n"));
        return write(name, text.toString());
    }

    @Test
    void reads_every_record_once_in_file_order_in_pages_and_says_which_is_last() throws IOException {
        jsonl("in.jsonl", 2345);
        Source source = source("path: in.jsonl\nkey: id\npage_size: 100");

        List<Page> pages = pages(source, null);

        assertThat(ids(pages))
                .isEqualTo(IntStream.rangeClosed(1, 2345).mapToObj(i -> "r" + i).toList());
        assertThat(pages).hasSize(24);
        assertThat(pages.subList(0, 23)).allSatisfy(p -> assertThat(p.last()).isFalse());
        assertThat(pages.getFirst().records().getFirst().get("amount").decimalValue())
                .isEqualByComparingTo("1.50")
                .hasToString("1.50");
        assertThat(pages.get(1).next().get("line").asLong()).isEqualTo(201);
    }

    @Test
    void resuming_from_a_committed_position_seeks_to_its_byte_offset() throws IOException {
        Path file = jsonl("in.jsonl", 3000);
        List<Page> clean = pages(source("path: in.jsonl\nkey: id\npage_size: 500"), null);
        JsonNode committed = clean.get(3).next();
        FileTime modified = Files.getLastModifiedTime(file);
        // Records before the position, past the hashed head, rewritten with as many bytes but one line
        // fewer: a reader that counted records from the start would now begin one record late.
        String text = Files.readString(file);
        String before = "{\"id\": \"r1980\", \"amount\": 1980.50}\n{\"id\": \"r1981\", \"amount\": 1981.50}\n";
        assertThat(text.indexOf(before)).isGreaterThan(64 * 1024);
        Files.writeString(file, text.replace(before, before.replaceFirst("\n", " ")));
        Files.setLastModifiedTime(file, modified);

        List<Page> resumed = pages(source("path: in.jsonl\nkey: id\npage_size: 500"), committed);

        assertThat(Files.size(file)).isEqualTo(text.length());
        assertThat(ids(resumed))
                .isEqualTo(
                        IntStream.rangeClosed(2001, 3000).mapToObj(i -> "r" + i).toList());
        assertThat(resumed).isEqualTo(clean.subList(4, clean.size()));
    }

    @Test
    void a_file_replaced_between_attempts_is_refused_instead_of_read_from_a_meaningless_position() throws IOException {
        Path file = jsonl("in.jsonl", 300);
        JsonNode committed = source("path: in.jsonl\nkey: id\npage_size: 100")
                .read(partition(), null)
                .next();

        jsonl("in.jsonl", 301);
        assertThatThrownBy(() -> source("path: in.jsonl\nkey: id").read(partition(), committed))
                .isInstanceOf(InputFileException.class)
                .hasMessageContaining("source.path (" + dir.resolve("job.yaml") + ":5): " + file)
                .hasMessageContaining("changed since this partition started reading it (its size went from")
                .hasMessageContaining("start the partition over")
                .extracting(e -> ((InputFileException) e).outcome())
                .isEqualTo(Outcome.CONFIG);

        // the same size and modification time, other content
        jsonl("in.jsonl", 300);
        Files.writeString(file, Files.readString(file).replace("r1\"", "x1\""));
        Files.setLastModifiedTime(file, FileTime.fromMillis(0));
        JsonNode sameSize = ((ObjectNode) committed.deepCopy()).put("modified", "1970-01-01T00:00:00Z");
        assertThatThrownBy(() -> source("path: in.jsonl\nkey: id").read(partition(), sameSize))
                .hasMessageContaining("its first bytes differ");
    }

    @Test
    void hostile_lines_become_unreadable_entries_with_their_line_and_the_rest_is_read() throws IOException {
        String huge = "{\"id\": \"big\", \"pad\": \"" + "x".repeat(5000) + "\"}";
        byte[] notUtf8 = "{\"id\": \"bad-utf8 \u00ff\"}".getBytes(StandardCharsets.ISO_8859_1);
        StringBuilder text = new StringBuilder("{\"id\": \"r1\"}\n")
                .append(huge)
                .append("\n{\"id\": \"r2\"}\n")
                .append("{\"id\": \"r3\", oops}\n")
                .append("[1, 2]\n")
                .append("{\"id\": \"r4\"} {\"id\": \"r5\"}\n")
                .append("{\"no_key\": 1}\n")
                .append("{\"id\": {\"nested\": 1}}\n")
                .append("{\"id\": \"dup\", \"id\": \"dup2\"}\n")
                .append("\n   \n");
        Path file = write("in.jsonl", text.toString());
        Files.write(file, notUtf8, StandardOpenOption.APPEND);
        Files.writeString(file, "\n{\"id\": \"r6\"}", StandardOpenOption.APPEND);
        Source source = source("path: in.jsonl\nkey: id\nmax_record_bytes: 1024");

        List<Page> pages = pages(source, null);

        assertThat(ids(pages)).containsExactly("r1", "r2", "r6");
        assertThat(errors(pages))
                .hasSize(8)
                .satisfiesExactly(
                        e -> assertThat(e)
                                .isEqualTo("line 2: " + huge.length()
                                        + " bytes, more than source.max_record_bytes = 1024"),
                        e -> assertThat(e).startsWith("line 4: not valid JSON: Unexpected character ('o'"),
                        e -> assertThat(e).isEqualTo("line 5: a JSON array, not an object"),
                        e -> assertThat(e).startsWith("line 6: not valid JSON: Trailing token"),
                        e -> assertThat(e).isEqualTo("line 7: the record has no id (the key), or it is null"),
                        e -> assertThat(e)
                                .isEqualTo("line 8: the record's id (the key) is an object, not a single value"),
                        e -> assertThat(e).startsWith("line 9: not valid JSON: Duplicate field 'id'"),
                        e -> assertThat(e).startsWith("line 12: not valid JSON: Invalid UTF-8"));
        JsonNode oversized = pages.getFirst().unreadable().getFirst().payload();
        assertThat(oversized.get("line").asLong()).isEqualTo(2);
        assertThat(oversized.get("bytes").asLong()).isEqualTo(huge.length());
        assertThat(oversized.get("text").asText()).hasSize(1024).startsWith("{\"id\": \"big\"");
        assertThat(pages.getFirst().unreadable().get(1).payload().get("text").asText())
                .isEqualTo("{\"id\": \"r3\", oops}");
    }

    @Test
    void reads_csv_with_quoting_line_breaks_crlf_a_bom_and_nulls() throws IOException {
        write(
                "in.csv",
                "\uFEFFid;name;note;empty\r\n"
                        + "1;\"Smith; John\";\"said \"\"hi\"\"\";\r\n"
                        + "2;\"two\r\nlines\";5\" screen;\"\"\r\n"
                        + "3;é;;\r\n"
                        + "4;ragged\r\n"
                        + "5;\"closed\"x;;\r\n"
                        + "6;last;;\"unclosed\r\n");
        Source source = source("path: in.csv\nkey: id\ndelimiter: \";\"");

        List<Page> pages = pages(source, null);

        assertThat(pages.getFirst().records())
                .extracting(JsonNode::toString)
                .containsExactly(
                        "{\"id\":\"1\",\"name\":\"Smith; John\",\"note\":\"said \\\"hi\\\"\",\"empty\":null}",
                        "{\"id\":\"2\",\"name\":\"two\\r\\nlines\",\"note\":\"5\\\" screen\",\"empty\":\"\"}",
                        "{\"id\":\"3\",\"name\":\"é\",\"note\":null,\"empty\":null}");
        assertThat(errors(pages))
                .containsExactly(
                        "line 6: 2 fields where the header has 4",
                        "line 7: a quoted field is followed by 'x' before the next delimiter (field 2)",
                        "line 8: a quoted field is not closed before the end of the file");
    }

    @Test
    void a_csv_whose_header_lacks_the_key_or_repeats_a_name_is_refused() throws IOException {
        write("nokey.csv", "name,amount\na,1\n");
        write("twice.csv", "id,name,name\n1,a,b\n");

        assertThatThrownBy(() -> source("path: nokey.csv\nkey: id").read(partition(), null))
                .isInstanceOf(InputFileException.class)
                .hasMessageContaining("source.key (")
                .hasMessageContaining("has no column id; its header row names name, amount");
        assertThatThrownBy(() -> source("path: twice.csv\nkey: id").read(partition(), null))
                .hasMessageContaining("its header row names name twice");
    }

    @Test
    void an_empty_file_is_one_empty_last_page() throws IOException {
        write("empty.csv", "");
        write("empty.jsonl", "\n\n");

        for (String name : List.of("empty.csv", "empty.jsonl")) {
            List<Page> pages = pages(source("path: " + name + "\nkey: id"), null);

            assertThat(pages).hasSize(1);
            assertThat(pages.getFirst().records()).isEmpty();
            assertThat(pages.getFirst().last()).isTrue();
        }
    }

    @Test
    void a_page_ends_early_once_it_holds_four_mib_of_input() throws IOException {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            text.append("{\"id\": ")
                    .append(i)
                    .append(", \"pad\": \"")
                    .append("y".repeat(100_000))
                    .append("\"}\n");
        }
        write("wide.jsonl", text.toString());

        List<Page> pages = pages(source("path: wide.jsonl\nkey: id\npage_size: 1000"), null);

        assertThat(pages.getFirst().records()).hasSize(42);
        assertThat(pages.stream().mapToInt(p -> p.records().size()).sum()).isEqualTo(100);
    }

    @Test
    void the_path_takes_partition_variables_and_is_relative_to_the_spec_s_directory() throws IOException {
        Files.createDirectories(dir.resolve("exports"));
        write("exports/customers-a.jsonl", "{\"id\": \"from-a\"}\n");

        List<Page> pages = pages(source("path: exports/customers-{partition.value}.jsonl\nkey: id"), null);

        assertThat(ids(pages)).containsExactly("from-a");
    }

    @Test
    void what_is_not_a_regular_file_is_refused_without_being_read() throws Exception {
        Path fifo = dir.resolve("fifo.jsonl");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS)).isTrue();
        Files.createDirectories(dir.resolve("folder.jsonl"));

        assertThatThrownBy(
                        () -> source("path: /dev/zero\nformat: jsonl\nkey: id").read(partition(), null))
                .isInstanceOf(InputFileException.class)
                .hasMessageContaining("/dev/zero is not a regular file (a device, FIFO or socket), so it is not read");
        assertThatThrownBy(() -> source("path: fifo.jsonl\nkey: id").read(partition(), null))
                .hasMessageContaining("is not a regular file");
        assertThatThrownBy(() -> source("path: folder.jsonl\nkey: id").read(partition(), null))
                .hasMessageContaining("is a directory");
        assertThatThrownBy(() -> source("path: missing.jsonl\nkey: id").read(partition(), null))
                .hasMessageContaining("source.path (")
                .hasMessageContaining("missing.jsonl does not exist");
    }

    @Test
    void a_watermark_another_source_wrote_is_refused() throws IOException {
        jsonl("in.jsonl", 3);

        assertThatThrownBy(() -> source("path: in.jsonl\nkey: id")
                        .read(partition(), Json.MAPPER.createObjectNode().put("after", 5)))
                .isInstanceOf(InputFileException.class)
                .hasMessageContaining("was not written by a file source");
    }
}
