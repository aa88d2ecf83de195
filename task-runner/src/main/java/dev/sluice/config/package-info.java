/**
 * The spec machinery: YAML with line numbers, {@code ${ENV}} substitution, binding to records, and
 * problems reported as field, file:line, value and rule. Entry point: {@link dev.sluice.config.Specs}.
 */
package dev.sluice.config;
