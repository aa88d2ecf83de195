package dev.sluice.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A job spec file parsed into a JSON tree, remembering for every node the line it came from and
 * the text as written (before {@code ${ENV}} substitution), so that errors can point at the file
 * and never echo a resolved secret.
 */
public final class SpecDocument {
    private final String file;
    private final JsonNode root;
    private final Map<String, Integer> lines;
    private final Map<String, String> written;
    private final List<SpecProblem> problems;

    SpecDocument(
            String file,
            JsonNode root,
            Map<String, Integer> lines,
            Map<String, String> written,
            List<SpecProblem> problems) {
        this.file = file;
        this.root = root;
        this.lines = Map.copyOf(lines);
        this.written = Map.copyOf(written);
        this.problems = List.copyOf(problems);
    }

    /** Problems found while reading (unset environment variables), reported with the others. */
    public List<SpecProblem> problems() {
        return problems;
    }

    /** An in-memory document (tests and programmatic specs): no lines known. */
    public static SpecDocument of(String name, JsonNode root) {
        return new SpecDocument(name, root, new HashMap<>(), new HashMap<>(), List.of());
    }

    public String file() {
        return file;
    }

    public JsonNode root() {
        return root;
    }

    /** {@code file:line} of the node at a JSON pointer, or of its closest ancestor that has one. */
    public String place(String pointer) {
        for (String p = pointer; ; p = parent(p)) {
            Integer line = lines.get(p);
            if (line != null) {
                return file + ":" + line;
            }
            if (p.isEmpty()) {
                return file;
            }
        }
    }

    /** The scalar at a pointer as written in the file (so {@code ${TOKEN}}, not the token), or null. */
    public String writtenAt(String pointer) {
        return written.get(pointer);
    }

    /** The subtree at a pointer, or a missing node. */
    public JsonNode at(String pointer) {
        return root.at(pointer);
    }

    static String parent(String pointer) {
        int slash = pointer.lastIndexOf('/');
        return slash <= 0 ? "" : pointer.substring(0, slash);
    }

    /** Dotted, human form of a pointer: {@code /limits/0/rates} becomes {@code limits[0].rates}. */
    public static String dotted(String pointer) {
        StringBuilder out = new StringBuilder();
        for (String part : List.of(pointer.split("/"))) {
            if (part.isEmpty()) {
                continue;
            }
            String name = part.replace("~1", "/").replace("~0", "~");
            if (name.chars().allMatch(Character::isDigit)) {
                out.append('[').append(name).append(']');
            } else {
                out.append(out.isEmpty() ? "" : ".").append(name);
            }
        }
        return out.toString();
    }
}
