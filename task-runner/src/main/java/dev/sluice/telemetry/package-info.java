/**
 * Tracing (OpenTelemetry; W3C trace context from {@code TRACEPARENT}) and the masking of secrets in
 * log output. Entry type: {@link dev.sluice.telemetry.Telemetry}.
 */
package dev.sluice.telemetry;
