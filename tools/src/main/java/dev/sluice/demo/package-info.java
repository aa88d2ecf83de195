/**
 * The guided tour behind {@code sluice demo}. Entry type: {@link dev.sluice.demo.Demo}.
 */
package dev.sluice.demo;
