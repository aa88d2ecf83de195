package dev.sluice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Runs a command line in this process and keeps what it printed on stdout. */
record Stdout(int exit, List<String> lines) {
    static synchronized Stdout of(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            int exit = Main.execute(env, args);
            return new Stdout(exit, out.toString(StandardCharsets.UTF_8).lines().toList());
        } finally {
            System.setOut(stdout);
        }
    }

    /** The last line as JSON: the command's result. */
    JsonNode json() {
        try {
            return Json.MAPPER.readTree(lines.getLast());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String text() {
        return String.join("\n", lines);
    }
}
