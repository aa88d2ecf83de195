package dev.sluice.sandbox;

/**
 * A sandbox setting cannot work: a bad limit spec, duration or rate. The message names the
 * setting, the value and the rule. On the command line it exits 64; over the admin API it is a 400.
 */
public class SandboxConfigException extends IllegalArgumentException {
    public SandboxConfigException(String message) {
        super(message);
    }
}
