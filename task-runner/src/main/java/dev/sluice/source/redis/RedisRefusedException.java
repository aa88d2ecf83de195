package dev.sluice.source.redis;

import dev.sluice.Outcome;
import dev.sluice.SluiceException;

/**
 * Redis answered, and the answer means the spec is wrong: the login was refused, the key holds no
 * stream, an id is not a stream id. Retrying the same run cannot help (exit 78); the message names
 * the input's field with its file:line and how to fix it.
 */
public class RedisRefusedException extends SluiceException {
    public RedisRefusedException(String message) {
        super(message);
    }

    @Override
    public Outcome outcome() {
        return Outcome.CONFIG;
    }
}
