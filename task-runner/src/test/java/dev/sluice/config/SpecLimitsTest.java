package dev.sluice.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7, class 6: a spec cannot exhaust CPU or memory. Each limit of {@link SpecLimits} is
 * refused as a spec problem (exit 78) naming the file, the limit and the fix; the hostile inputs
 * here would otherwise run for minutes or until the heap is gone (an assertion timeout stands
 * guard, generous: it only catches the unbounded case).
 */
class SpecLimitsTest {
    private static final Duration GUARD = Duration.ofSeconds(15);

    @TempDir
    Path dir;

    private static SpecDocument parse(String yaml) {
        return Specs.parse("hostile.yaml", yaml, Map.of("TOKEN", "t0ken-value"));
    }

    /** Each level is a list holding the previous level twice: 2^depth nodes once expanded. */
    static String aliasChain(int depth) {
        StringBuilder yaml = new StringBuilder("job: bomb\nl0: &l0 [x, x]\n");
        for (int i = 1; i <= depth; i++) {
            yaml.append("l")
                    .append(i)
                    .append(": &l")
                    .append(i)
                    .append(" [*l")
                    .append(i - 1)
                    .append(", *l")
                    .append(i - 1)
                    .append("]\n");
        }
        return yaml.toString();
    }

    @Test
    void an_alias_chain_that_doubles_at_each_level_stops_at_the_node_limit() {
        for (int depth : new int[] {20, 25}) { // 40 and 50 aliases: within the alias limit
            assertThatThrownBy(() -> org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
                            GUARD, () -> parse(aliasChain(depth))))
                    .isInstanceOf(JobSpecException.class)
                    .hasMessageContaining("hostile.yaml:")
                    .hasMessageContaining("more than 100000 YAML nodes (each alias counts as the nodes it repeats)")
                    .hasMessageContaining("write repeated parts out");
        }
        assertThatThrownBy(() -> parse(aliasChain(30)))
                .hasMessageContaining("(hostile.yaml:28): the spec has more than 50 aliases");
    }

    @Test
    void a_small_alias_chain_is_expanded_as_before() {
        SpecDocument document = parse(aliasChain(4));

        assertThat(document.at("/l4").toString().chars().filter(c -> c == 'x').count())
                .isEqualTo(32);
        assertThat(document.at("/l4/1/0/1/0/1").asText()).isEqualTo("x");
    }

    @Test
    void an_alias_to_its_own_ancestor_is_refused_instead_of_repeating_forever() {
        assertThatThrownBy(() -> parse("job: loop\nitems: &a [1, *a]\n"))
                .isInstanceOf(JobSpecException.class)
                .hasMessageContaining(
                        "items[1] (hostile.yaml:2): an alias refers to a mapping or list that contains it");
    }

    @Test
    void too_many_aliases_and_too_deep_nesting_are_refused_with_the_limit() {
        String aliases = "job: many\nx: &x [1]\nys: [" + "*x, ".repeat(51) + "*x]\n";
        String deep = "job: deep\nd: " + "[".repeat(60) + "]".repeat(60) + "\n";

        assertThatThrownBy(() -> parse(aliases))
                .hasMessageContaining("(hostile.yaml:3): the spec has more than 50 aliases");
        assertThatThrownBy(() -> parse(deep))
                .hasMessageContaining("(hostile.yaml:2): mappings and lists nest deeper than 50");
    }

    @Test
    void a_long_key_repeated_by_aliases_stops_at_the_character_limit() {
        String key = "k".repeat(100_000);
        String yaml = "job: wide\nbase: &b\n  ? " + key + "\n  : [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\nall: ["
                + "*b, ".repeat(45) + "*b]\n";

        assertThatThrownBy(() -> parse(yaml))
                .isInstanceOf(JobSpecException.class)
                .hasMessageContaining("expands to more than 8000000 characters of field paths and values");
    }

    @Test
    void a_file_larger_than_the_cap_is_refused_before_it_is_read() throws IOException {
        Path big = dir.resolve("big.yaml");
        try (var out = Files.newOutputStream(big)) {
            out.write(("job: big\n# " + "x".repeat(SpecLimits.MAX_BYTES) + "\n").getBytes());
        }

        assertThatThrownBy(() -> Specs.parse(big, Map.of()))
                .isInstanceOf(JobSpecException.class)
                .hasMessageContaining("job spec " + big + " is invalid")
                .hasMessageContaining(
                        "the file has " + Files.size(big) + " bytes, more than the 1048576 bytes (1.0 MiB)")
                .hasMessageContaining("check that --job names the spec");
    }

    @Test
    void a_file_at_the_cap_is_read() throws IOException {
        Path full = dir.resolve("full.yaml");
        String head = "job: full\n# ";
        Files.writeString(full, head + "x".repeat(SpecLimits.MAX_BYTES - head.length() - 1) + "\n");

        assertThat(Files.size(full)).isEqualTo(SpecLimits.MAX_BYTES);
        assertThat(Specs.parse(full, Map.of()).at("/job").asText()).isEqualTo("full");
    }

    @Test
    void directories_devices_and_fifos_are_refused_without_being_opened() throws Exception {
        Path fifo = dir.resolve("spec.fifo");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assumeTrue(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "mkfifo is available");

        for (Path path : new Path[] {dir, Path.of("/dev/zero"), fifo}) {
            assertThatThrownBy(() -> org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
                            GUARD, () -> Specs.parse(path, Map.of())))
                    .isInstanceOf(JobSpecException.class)
                    .hasMessageContaining("job spec " + path + " is invalid")
                    .hasMessageMatching(
                            "(?s).*(is a directory|is not a regular file \\(a device, FIFO or socket\\)).*");
        }
    }

    @Test
    void a_binary_file_is_refused_as_not_utf8() throws IOException {
        Path binary = dir.resolve("binary.yaml");
        Files.write(binary, new byte[] {'j', 'o', 'b', ':', ' ', (byte) 0xC3, (byte) 0x28});

        assertThatThrownBy(() -> Specs.parse(binary, Map.of())).hasMessageContaining("is not UTF-8 text");
    }
}
