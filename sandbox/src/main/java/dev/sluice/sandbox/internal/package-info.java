/**
 * How the sandbox works: the HTTP server and its handlers, the rate limiter, fault injection, the
 * data generator and the stats recorder. Nothing outside {@code dev.sluice.sandbox} imports this.
 */
package dev.sluice.sandbox.internal;
