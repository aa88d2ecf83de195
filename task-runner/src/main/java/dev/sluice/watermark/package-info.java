/**
 * Watermarks: advanced only in the transaction that writes the data they cover, only while the
 * attempt's epoch is current. Entry type: {@link dev.sluice.watermark.WatermarkStore}.
 */
package dev.sluice.watermark;
