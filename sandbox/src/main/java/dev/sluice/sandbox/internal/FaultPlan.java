package dev.sluice.sandbox.internal;

import dev.sluice.sandbox.FaultKind;
import java.time.Duration;

/**
 * The faults drawn for one admitted request.
 *
 * @param fault what goes wrong: an error status, a reset, malformed JSON, or null for nothing
 * @param delay how long to wait before answering
 */
record FaultPlan(FaultKind fault, Duration delay) {}
