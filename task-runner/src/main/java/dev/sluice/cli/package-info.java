/**
 * The command line ({@code sluice <command>}): picocli commands and the one mapping from failures to
 * exit codes, {@link dev.sluice.cli.ExitCode}. Entry type: {@link dev.sluice.cli.Main}.
 */
package dev.sluice.cli;
