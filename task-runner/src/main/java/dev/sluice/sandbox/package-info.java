/**
 * The sandbox: a strict, deterministic fake of a paginated, rate-limited API. It is the ground
 * truth for demos, end-to-end tests and benchmarks: it serves the same records for the same seed,
 * enforces its rate limits exactly, injects faults on demand and counts everything it saw.
 *
 * <p>Start it in process with {@link dev.sluice.sandbox.Sandbox#start(SandboxConfig)}, or from the
 * command line with {@code sluice sandbox}. Compute what a loader should have loaded with
 * {@link dev.sluice.sandbox.Dataset}, and read what the sandbox saw with
 * {@link dev.sluice.sandbox.Sandbox#stats()}.
 *
 * <p>Implementations live in {@code internal}; other packages never import it.
 */
package dev.sluice.sandbox;
