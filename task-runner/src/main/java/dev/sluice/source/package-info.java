/**
 * The source SPI: resumable readers of pages, and {@link dev.sluice.source.ApiCalls}, the gate every
 * API call goes through. Entry type: {@link dev.sluice.source.Source}.
 */
package dev.sluice.source;
