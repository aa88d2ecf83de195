package dev.sluice.sandbox;

import dev.sluice.UsageException;

/**
 * A sandbox setting cannot work: a bad limit spec, duration or rate. The message names the
 * setting, the value and the rule. On the command line it exits 64; over the admin API it is a 400.
 */
public class SandboxConfigException extends UsageException {
    public SandboxConfigException(String message) {
        super(message);
    }
}
