/** The in-memory seconds and the rows of {@code sluice_limit_series}; used only by {@code history}. */
package dev.sluice.history.internal;
