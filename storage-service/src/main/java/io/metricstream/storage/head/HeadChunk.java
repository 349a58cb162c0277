package io.metricstream.storage.head;

/**
 * One closed (encoded) head chunk. Immutable.
 *
 * @param minTimeMs first timestamp
 * @param maxTimeMs last timestamp
 * @param count samples
 * @param data chunk bytes (docs/format/chunk.md)
 */
public record HeadChunk(long minTimeMs, long maxTimeMs, int count, byte[] data) {
}
