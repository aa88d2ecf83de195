package dev.sluice.source;

import dev.sluice.config.SpecSection;

/**
 * Plugs a kind of source into job specs: {@code source: {type: <type()>, ...}}. Register an
 * implementation in {@code META-INF/services/dev.sluice.source.SourceProvider} and put its jar on
 * the runner's classpath ({@code SLUICE_PLUGINS}).
 */
public interface SourceProvider {
    /** The {@code type} value this provider handles. */
    String type();

    /**
     * Binds and checks the {@code source:} section; report problems through the section so the user
     * sees them with file and line. Called at load, before anything runs.
     */
    SourceDefinition define(SpecSection section);
}
