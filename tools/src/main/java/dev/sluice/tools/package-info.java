/**
 * Development commands of the repository build: {@code sluice sandbox} (the fake API),
 * {@code sluice demo} (the guided tour) and {@code sluice bench} (benchmarks on the runner's own
 * classes). They reach {@code sluice} through the runner's {@link dev.sluice.cli.CommandProvider};
 * the production image does not carry them. Entry type: {@link dev.sluice.tools.ToolCommands}.
 */
package dev.sluice.tools;
