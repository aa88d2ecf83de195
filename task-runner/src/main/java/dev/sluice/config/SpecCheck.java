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
