package dev.sluice.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Reads a YAML job spec into a {@link SpecDocument}: SnakeYAML's node tree (which keeps line
 * numbers) becomes a Jackson tree, with {@code ${ENV}} references resolved. Every problem found
 * (YAML syntax, duplicate keys, unset variables) is collected before failing. Reading stays within
 * {@link SpecLimits}: the file's size and kind, the nodes parsed, and the nodes and characters the
 * tree holds once aliases are expanded (counted as it is built, so an alias chain that doubles at
 * every level stops at the limit instead of running out of memory).
 */
final class SpecParser {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final EnvSubstitution env;
    private final List<SpecProblem> problems = new ArrayList<>();
    private final Map<String, Integer> lines = new HashMap<>();
    private final Map<String, String> written = new HashMap<>();
    private final Set<Node> expanding = Collections.newSetFromMap(new IdentityHashMap<>());
    private String file;
    private int nodes;
    private long characters;

    SpecParser(Map<String, String> env) {
        this.env = new EnvSubstitution(env);
    }

    SpecDocument parse(Path path) {
        file = path.toString();
        try {
            return parse(file, SpecFile.read(path));
        } catch (SpecFile.Refused e) {
            throw fail("", file, null, e.getMessage());
        }
    }

    SpecDocument parse(String name, String yaml) {
        file = name;
        if (yaml.length() > SpecLimits.MAX_BYTES) {
            throw fail("", file, null, "the spec has more than " + SpecLimits.MAX_BYTES + " characters");
        }
        Node root = compose(yaml);
        if (!(root instanceof MappingNode)) {
            throw fail(
                    "",
                    file + (root == null ? "" : ":" + line(root.getStartMark())),
                    null,
                    "a job spec is a YAML mapping with job, partitions, source and sink");
        }
        JsonNode tree = convert(root, "", 0);
        return new SpecDocument(file, tree, lines, written, problems);
    }

    private Node compose(String yaml) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        // SnakeYAML's own limits stay as a backstop behind BoundedEvents, which counts with clearer messages.
        options.setMaxAliasesForCollections(SpecLimits.MAX_ALIASES + 1);
        options.setNestingDepthLimit(SpecLimits.MAX_DEPTH + 1);
        options.setCodePointLimit(SpecLimits.MAX_BYTES);
        BoundedEvents events = new BoundedEvents(new ParserImpl(new StreamReader(new StringReader(yaml)), options));
        try {
            return new Composer(events, new Resolver(), options).getSingleNode();
        } catch (BoundedEvents.Exceeded e) {
            throw fail("", file + ":" + line(e.mark), null, e.getMessage());
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String place = mark == null ? file : file + ":" + line(mark);
            throw fail(
                    "",
                    place,
                    null,
                    "not valid YAML: " + e.getProblem() + (e.getContext() == null ? "" : " (" + e.getContext() + ")"));
        } catch (YAMLException e) {
            throw fail("", file, null, "not valid YAML: " + e.getMessage());
        }
    }

    private JsonNode convert(Node node, String pointer, int depth) {
        count(node, pointer.length(), depth);
        if (!expanding.add(node)) {
            throw fail(
                    SpecDocument.dotted(pointer),
                    place(node),
                    null,
                    "an alias refers to a mapping or list that "
                            + "contains it, which would repeat forever; refer to something outside it");
        }
        try {
            lines.put(pointer, line(node.getStartMark()));
            return switch (node) {
                case MappingNode map -> object(map, pointer, depth);
                case SequenceNode seq -> array(seq, pointer, depth);
                case ScalarNode scalar -> scalar(scalar, pointer);
                default -> NODES.nullNode();
            };
        } finally {
            expanding.remove(node);
        }
    }

    /** Counts a node of the expanded tree against {@link SpecLimits}, before it is built. */
    private void count(Node node, int chars, int depth) {
        characters += chars + (node instanceof ScalarNode s ? s.getValue().length() : 0);
        if (++nodes > SpecLimits.MAX_NODES) {
            throw fail("", place(node), null, BoundedEvents.tooManyNodes());
        }
        if (depth > SpecLimits.MAX_DEPTH) {
            throw fail("", place(node), null, BoundedEvents.tooDeep());
        }
        if (characters > SpecLimits.MAX_CHARACTERS) {
            throw fail(
                    "",
                    place(node),
                    null,
                    "the spec expands to more than " + SpecLimits.MAX_CHARACTERS + " characters of field paths and "
                            + "values (each alias repeats what it refers to); write repeated parts out, or split the job");
        }
    }

    private ObjectNode object(MappingNode map, String pointer, int depth) {
        ObjectNode out = NODES.objectNode();
        for (NodeTuple tuple : map.getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
                problems.add(new SpecProblem(
                        SpecDocument.dotted(pointer), place(tuple.getKeyNode()), null, "keys must be plain names"));
                continue;
            }
            String child = pointer + "/" + key.getValue().replace("~", "~0").replace("/", "~1");
            if (out.has(key.getValue())) {
                problems.add(new SpecProblem(
                        SpecDocument.dotted(child),
                        place(key),
                        null,
                        "duplicate key " + key.getValue() + " (first at line " + lines.get(child) + "); keep one"));
                continue;
            }
            out.set(key.getValue(), convert(tuple.getValueNode(), child, depth + 1));
            lines.put(child, line(key.getStartMark()));
        }
        return out;
    }

    private ArrayNode array(SequenceNode seq, String pointer, int depth) {
        ArrayNode out = NODES.arrayNode();
        for (int i = 0; i < seq.getValue().size(); i++) {
            out.add(convert(seq.getValue().get(i), pointer + "/" + i, depth + 1));
        }
        return out;
    }

    private JsonNode scalar(ScalarNode scalar, String pointer) {
        String text = scalar.getValue();
        written.put(pointer, text);
        if (EnvSubstitution.references(text)) {
            try {
                return NODES.textNode(env.resolve(text));
            } catch (EnvSubstitution.MissingVariable missing) {
                problems.add(new SpecProblem(
                        SpecDocument.dotted(pointer),
                        place(scalar),
                        text,
                        "environment variable " + missing.name + " is not set; export it, or give a default as ${"
                                + missing.name + ":-value}"));
                return NODES.textNode("");
            } catch (EnvSubstitution.Malformed malformed) {
                problems.add(
                        new SpecProblem(SpecDocument.dotted(pointer), place(scalar), text, malformed.getMessage()));
                return NODES.textNode("");
            }
        }
        return typed(scalar.getTag(), text);
    }

    private static JsonNode typed(Tag tag, String text) {
        try {
            if (Tag.NULL.equals(tag)) {
                return NODES.nullNode();
            } else if (Tag.BOOL.equals(tag)) {
                return NODES.booleanNode(List.of("true", "yes", "on").contains(text.toLowerCase()));
            } else if (Tag.INT.equals(tag)) {
                return NODES.numberNode(new BigInteger(text.replace("_", "")));
            } else if (Tag.FLOAT.equals(tag)) {
                return NODES.numberNode(new BigDecimal(text.replace("_", "")));
            }
        } catch (NumberFormatException e) {
            // YAML 1.1 forms Java does not parse (0x1F, 1:20, .inf): keep the text, binding reports it
        }
        return NODES.textNode(text);
    }

    private String place(Node node) {
        return file + ":" + line(node.getStartMark());
    }

    private static int line(Mark mark) {
        return mark.getLine() + 1;
    }

    private JobSpecException fail(String path, String place, String value, String rule) {
        problems.add(new SpecProblem(path, place, value, rule));
        return new JobSpecException(file, problems);
    }
}
