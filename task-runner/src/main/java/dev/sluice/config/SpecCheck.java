package dev.sluice.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects semantic problems of a spec section (values that parse but break a rule), so that a
 * user sees all of them at once. Fields are named relative to the section, e.g.
 * {@code check.at("/source").fail("timeout", "0s", "must be more than 0s")}.
 */
public final class SpecCheck {
    private final SpecDocument document;
    private final String base;
    private final List<SpecProblem> problems;

    public SpecCheck(SpecDocument document) {
        this(document, "", new ArrayList<>(document.problems()));
    }

    private SpecCheck(SpecDocument document, String base, List<SpecProblem> problems) {
        this.document = document;
        this.base = base;
        this.problems = problems;
    }

    /** The same collector, for a subsection ({@code "/sink"}, {@code "columns/amount"}). */
    public SpecCheck at(String child) {
        return new SpecCheck(document, pointer(child), problems);
    }

    /** Reports a problem at {@code field}, showing the value as written in the file. */
    public void fail(String field, String rule) {
        String pointer = pointer(field);
        problems.add(new SpecProblem(
                SpecDocument.dotted(pointer), document.place(pointer), document.writtenAt(pointer), rule));
    }

    /** Reports a problem with a secret field: the value is never shown. */
    public void failSecret(String field, String rule) {
        String pointer = pointer(field);
        problems.add(new SpecProblem(SpecDocument.dotted(pointer), document.place(pointer), null, rule));
    }

    /**
     * Reports a secret (or credential) whose value has a {@link Secret#flaw}, naming the
     * environment variables it came from, never the value: {@code the value of ${SHOP_API_TOKEN}
     * ends with a newline; strip it ...}.
     */
    public void failSecretValue(String field, String flaw) {
        failSecret(field, secretRule(document, pointer(field), flaw));
    }

    static String secretRule(SpecDocument document, String pointer, String flaw) {
        java.util.List<String> variables = EnvSubstitution.variables(document.writtenAt(pointer));
        if (variables.isEmpty()) {
            return "the value " + flaw + "; remove it (secrets are sent exactly as written)";
        }
        String names =
                String.join(" and ", variables.stream().map(v -> "${" + v + "}").toList());
        return "the value of " + names + " " + flaw + "; strip it where the variable is set, e.g. write a secret "
                + "file with printf '%s' rather than echo, or export " + variables.getFirst() + "=\"$(cat FILE)\" "
                + "(which drops trailing newlines); secrets are sent exactly as given";
    }

    /** Adds a problem found elsewhere (e.g. while binding a subsection). */
    public void add(SpecProblem problem) {
        problems.add(problem);
    }

    /** Reports a problem unless {@code ok}. */
    public void require(boolean ok, String field, String rule) {
        if (!ok) {
            fail(field, rule);
        }
    }

    public boolean hasProblems() {
        return !problems.isEmpty();
    }

    /** Throws every problem collected so far as one {@link JobSpecException}. */
    public void throwIfAny() {
        if (!problems.isEmpty()) {
            throw new JobSpecException(document.file(), problems);
        }
    }

    private String pointer(String field) {
        if (field == null || field.isEmpty()) {
            return base;
        }
        return base + (field.startsWith("/") ? field : "/" + field);
    }
}
