/** The chunk encoding shared by storage (blocks, head) and its clients (SELECT_CHUNKS): docs/format/chunk.md. */
package io.metricstream.contracts.chunk;
