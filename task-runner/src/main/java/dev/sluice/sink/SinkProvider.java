package dev.sluice.sink;

import dev.sluice.config.SpecSection;

/**
 * Plugs a kind of sink into job specs: {@code sink: {type: <type()>, ...}}. Register an
 * implementation in {@code META-INF/services/dev.sluice.sink.SinkProvider}.
 */
public interface SinkProvider {
    /** The {@code type} value this provider handles. */
    String type();

    /** Binds and checks the {@code sink:} section, reporting problems through the section. */
    SinkDefinition define(SpecSection section);
}
