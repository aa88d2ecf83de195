/**
 * What {@code sluice selftest} runs against: a minimal API in process, so the install check (and
 * the AOT cache's training run) needs nothing but the runner. Entry type:
 * {@link dev.sluice.selftest.FixtureApi}.
 */
package dev.sluice.selftest;
