/** The file source's reader, record splitting and parsing; used only by {@code dev.sluice.source.file}. */
package dev.sluice.source.file.internal;
