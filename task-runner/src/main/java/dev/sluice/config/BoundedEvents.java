package dev.sluice.config;

import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionEndEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.parser.Parser;

/**
 * SnakeYAML's parser, counted as it goes: the composer builds no more than
 * {@link SpecLimits#MAX_NODES} nodes, nested no deeper than {@link SpecLimits#MAX_DEPTH}, with at
 * most {@link SpecLimits#MAX_ALIASES} aliases. Counting events keeps memory flat: the tree that
 * would exceed a limit is never built.
 */
final class BoundedEvents implements Parser {
    /** A limit was reached at {@code mark}. */
    static final class Exceeded extends RuntimeException {
        final transient Mark mark;

        Exceeded(String rule, Mark mark) {
            super(rule, null, false, false);
            this.mark = mark;
        }
    }

    private final Parser parser;
    private int nodes;
    private int depth;
    private int aliases;

    BoundedEvents(Parser parser) {
        this.parser = parser;
    }

    @Override
    public boolean checkEvent(Event.ID id) {
        return parser.checkEvent(id);
    }

    @Override
    public Event peekEvent() {
        return parser.peekEvent();
    }

    @Override
    public Event getEvent() {
        Event event = parser.getEvent();
        switch (event) {
            case ScalarEvent s -> nodes++;
            case AliasEvent a -> {
                nodes++;
                if (++aliases > SpecLimits.MAX_ALIASES) {
                    throw new Exceeded(tooManyAliases(), event.getStartMark());
                }
            }
            case CollectionStartEvent c -> {
                nodes++;
                if (++depth > SpecLimits.MAX_DEPTH) {
                    throw new Exceeded(tooDeep(), event.getStartMark());
                }
            }
            case CollectionEndEvent c -> depth--;
            default -> {}
        }
        if (nodes > SpecLimits.MAX_NODES) {
            throw new Exceeded(tooManyNodes(), event.getStartMark());
        }
        return event;
    }

    static String tooManyNodes() {
        return "the spec has more than " + SpecLimits.MAX_NODES + " YAML nodes (each alias counts as the nodes it "
                + "repeats); a job spec needs a few hundred: write repeated parts out, or split the job";
    }

    static String tooDeep() {
        return "mappings and lists nest deeper than " + SpecLimits.MAX_DEPTH + " levels (aliases expanded); "
                + "a job spec needs fewer than 10";
    }

    private static String tooManyAliases() {
        return "the spec has more than " + SpecLimits.MAX_ALIASES + " aliases (*name); write repeated parts out";
    }
}
