/** Inspectors for the storage's on-disk formats ({@code metricstream inspect block <path>}). */
package io.metricstream.storage.tool;
