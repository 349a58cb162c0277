/** Immutable on-disk blocks: chunk files, index, meta.json, 5 m / 1 h rollups; compaction and retention. */
package io.metricstream.storage.block;
