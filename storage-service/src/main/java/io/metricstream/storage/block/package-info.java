/** Immutable on-disk blocks: chunk files, index, meta.json; compaction and retention. */
package io.metricstream.storage.block;
