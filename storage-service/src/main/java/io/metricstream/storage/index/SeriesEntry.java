package io.metricstream.storage.index;

import io.metricstream.contracts.model.LabelSet;

/**
 * One series of a block index with its chunk metas (parallel arrays, time-ordered). Immutable after build.
 *
 * @param labels the series
 * @param chunkMinTimes first timestamp of each chunk
 * @param chunkMaxTimes last timestamp of each chunk
 * @param chunkRefs byte offset of each chunk record in the chunks file
 * @param chunkSamples samples of each chunk
 */
public record SeriesEntry(LabelSet labels, long[] chunkMinTimes, long[] chunkMaxTimes, long[] chunkRefs,
                         int[] chunkSamples) {
    /** Whether any chunk overlaps [minT, maxT]. */
    public boolean overlaps(final long minT, final long maxT) {
        for (int i = 0; i < chunkMinTimes.length; i++) {
            if (chunkMaxTimes[i] >= minT && chunkMinTimes[i] <= maxT) {
                return true;
            }
        }
        return false;
    }
}
