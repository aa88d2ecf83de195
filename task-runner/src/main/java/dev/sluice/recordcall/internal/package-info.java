/** Implementations of per-record calls; no other package imports them. */
package dev.sluice.recordcall.internal;
