/** The time-series database: head + blocks + tombstones, flush, checkpoint, compaction and retention. */
package io.metricstream.storage.db;
