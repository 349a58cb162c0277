/** The storage service: consumes the queue into head, chunks and blocks and serves selects. */
package io.metricstream.storage;
