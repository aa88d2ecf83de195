package dev.sluice.source;

/** A validated source configuration, ready to open at run time. */
public interface SourceDefinition {
    /** Opens the source for one run. */
    Source open(SourceContext context);

    /** A one-line description without secrets, for logs and {@code sluice validate}. */
    String describe();
}
