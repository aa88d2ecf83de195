/**
 * The sink SPI: writers of pages inside the runner's transaction, and dead letters. Entry type:
 * {@link dev.sluice.sink.Sink}.
 */
package dev.sluice.sink;
