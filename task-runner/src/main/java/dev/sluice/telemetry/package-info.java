/**
 * Tracing and metrics (OpenTelemetry, configured by the {@code OTEL_*} variables; W3C trace context
 * from {@code TRACEPARENT}) and the masking of secrets in log output. Entry type:
 * {@link dev.sluice.telemetry.Telemetry}; the call gate and the partition runner report to
 * {@link dev.sluice.telemetry.CallObserver} and {@link dev.sluice.telemetry.PageObserver}, which
 * become spans and metrics only when an exporter is configured.
 */
package dev.sluice.telemetry;
