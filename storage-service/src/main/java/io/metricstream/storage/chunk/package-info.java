/** Gorilla-family chunks: bit streams, per-chunk encoding choice, chunk cursors. */
package io.metricstream.storage.chunk;
