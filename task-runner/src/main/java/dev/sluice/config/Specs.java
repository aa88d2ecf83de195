package dev.sluice.config;

import java.nio.file.Path;
import java.util.Map;

/** Entry point of the spec machinery: reads YAML into a {@link SpecDocument}. */
public final class Specs {
    private Specs() {}

    /** Parses a spec file, resolving {@code ${ENV}} references from {@code env}. */
    public static SpecDocument parse(Path file, Map<String, String> env) {
        return new SpecParser(env).parse(file);
    }

    /** Parses spec text (tests, embedded specs). */
    public static SpecDocument parse(String name, String yaml, Map<String, String> env) {
        return new SpecParser(env).parse(name, yaml);
    }
}
