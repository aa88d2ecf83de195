package dev.sluice.sandbox.internal;

import dev.sluice.sandbox.Dataset;
import dev.sluice.sandbox.SandboxConfig;

/** The settings in force, swapped as a whole on reconfigure so a request sees one consistent set. */
record Live(SandboxConfig config, Dataset dataset, RateLimiter limiter) {}
