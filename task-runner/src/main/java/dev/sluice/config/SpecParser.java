package dev.sluice.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads a YAML job spec into a {@link SpecDocument}: SnakeYAML's node tree (which keeps line
 * numbers) becomes a Jackson tree, with {@code ${ENV}} references resolved. Every problem found
 * (YAML syntax, duplicate keys, unset variables) is collected before failing.
 */
final class SpecParser {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final EnvSubstitution env;
    private final List<SpecProblem> problems = new ArrayList<>();
    private final Map<String, Integer> lines = new HashMap<>();
    private final Map<String, String> written = new HashMap<>();
    private String file;

    SpecParser(Map<String, String> env) {
        this.env = new EnvSubstitution(env);
    }

    SpecDocument parse(Path path) {
        file = path.toString();
        try {
            return parse(file, Files.readString(path, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            throw fail("", file, null, "file not found; give the path of a job spec, e.g. dags/jobs/orders.yaml");
        } catch (IOException e) {
            throw fail("", file, null, "cannot read the file: " + e.getMessage());
        }
    }

    SpecDocument parse(String name, String yaml) {
        file = name;
        Node root = compose(new StringReader(yaml));
        if (!(root instanceof MappingNode)) {
            throw fail(
                    "",
                    file + (root == null ? "" : ":" + line(root.getStartMark())),
                    null,
                    "a job spec is a YAML mapping with job, partitions, source and sink");
        }
        JsonNode tree = convert(root, "");
        return new SpecDocument(file, tree, lines, written, problems);
    }

    private Node compose(Reader reader) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(50);
        try {
            return new Yaml(options).compose(reader);
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

    private JsonNode convert(Node node, String pointer) {
        lines.put(pointer, line(node.getStartMark()));
        return switch (node) {
            case MappingNode map -> object(map, pointer);
            case SequenceNode seq -> array(seq, pointer);
            case ScalarNode scalar -> scalar(scalar, pointer);
            default -> NODES.nullNode();
        };
    }

    private ObjectNode object(MappingNode map, String pointer) {
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
            out.set(key.getValue(), convert(tuple.getValueNode(), child));
            lines.put(child, line(key.getStartMark()));
        }
        return out;
    }

    private ArrayNode array(SequenceNode seq, String pointer) {
        ArrayNode out = NODES.arrayNode();
        for (int i = 0; i < seq.getValue().size(); i++) {
            out.add(convert(seq.getValue().get(i), pointer + "/" + i));
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
