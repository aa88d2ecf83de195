package dev.sluice.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.Json;
import dev.sluice.Masking;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where commands talk: results are one JSON object per line on stdout (the last line is what
 * Airflow reads), messages are structured log events on stderr. Public for the commands that
 * {@link CommandProvider}s add.
 */
public final class Console {
    private static final Logger LOG = LoggerFactory.getLogger("sluice");

    private Console() {}

    /** A log line on stderr, SLF4J style: {@code info("{} rows", n)}. */
    public static void info(String message, Object... args) {
        LOG.info(message, args);
    }

    /** Something went wrong that does not change the command's outcome. */
    public static void warn(String message) {
        LOG.warn(message);
    }

    /** The reason a command failed (already mapped to its exit code). */
    public static void error(String message) {
        LOG.error(message);
    }

    static void bug(String command, Throwable failure) {
        LOG.error("sluice {} failed unexpectedly; this is a bug, please report it with this log", command, failure);
    }

    /**
     * One result line on stdout (what Airflow keeps as XCom): a JSON text, or anything else
     * serialised by {@link Json#MAPPER}, with every known secret masked ({@link Masking}).
     */
    public static synchronized void result(Object json) {
        JsonNode tree = json instanceof String s ? parsed(s) : Json.MAPPER.valueToTree(json);
        System.out.println(Masking.mask(tree).toString());
        System.out.flush();
    }

    /** A line of plain text on stdout (a table row), masked like a result. */
    public static synchronized void line(String text) {
        System.out.println(Masking.mask(text));
    }

    private static JsonNode parsed(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("a result line must be JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** An ordered JSON object from alternating names and values. */
    public static Map<String, Object> fields(Object... namesAndValues) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            out.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return out;
    }

    static ObjectNode failure(String command, ExitCode exit, String message) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("command", command);
        node.put("status", "error");
        node.put("exit_code", exit.code);
        node.put("message", message);
        return node;
    }
}
