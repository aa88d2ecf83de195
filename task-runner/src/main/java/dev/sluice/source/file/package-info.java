/**
 * The {@code file} source: records from a JSON Lines or CSV file (local or mounted), in file order,
 * resumable by byte offset. Entry type: {@link dev.sluice.source.file.FileSourceProvider}.
 */
package dev.sluice.source.file;
