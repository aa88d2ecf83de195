package dev.sluice.config;

import java.util.Set;

/**
 * One section of a job spec ({@code source:}, {@code sink:}) as given to the provider of its
 * {@code type}: bind it to your config record, check its rules, know which
 * {@code {partition.*}} variables the job's partitions offer.
 *
 * @param binder             binds parts of the document
 * @param pointer            where the section is, e.g. {@code /source}
 * @param check              collects problems, relative to the section
 * @param partitionVariables names valid in {@code {partition.<name>}} templates
 */
public record SpecSection(SpecBinder binder, String pointer, SpecCheck check, Set<String> partitionVariables) {
    /** Binds the section (without its {@code type} field) to a record. */
    public <T> T bind(Class<T> type) {
        return binder.bindWithout(pointer, type, "type");
    }

    /** A field of this section by name ({@code query}, {@code columns/id}), for messages at run time. */
    public SpecField field(String name) {
        String at = pointer + "/" + name;
        return new SpecField(SpecDocument.dotted(at), binder.document().place(at));
    }

    /** The file being loaded, for messages. */
    public String file() {
        return binder.document().file();
    }
}
