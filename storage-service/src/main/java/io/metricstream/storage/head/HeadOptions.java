package io.metricstream.storage.head;

/**
 * Settings of the head. Immutable.
 *
 * @param maxSamplesPerChunk cut the open chunk at this many samples (120..240 recommended)
 * @param blockDurationMs chunks never span a multiple of this (block boundaries)
 * @param outOfOrderWindowMs how far behind a series' newest sample a sample may arrive
 * @param maxSeries series cardinality limit (new series beyond it are rejected)
 * @param maxLabelsPerSeries labels per series limit
 * @param maxLabelLength UTF-8 bytes per label name or value limit
 */
public record HeadOptions(int maxSamplesPerChunk, long blockDurationMs, long outOfOrderWindowMs, int maxSeries,
                          int maxLabelsPerSeries, int maxLabelLength) {
    /** Defaults: 240 samples, 2 h blocks, 10 min window, 10 M series, 64 labels, 4 KiB labels. */
    public static final HeadOptions DEFAULT = new HeadOptions(240, 2 * 3_600_000L, 600_000L, 10_000_000, 64, 4096);
}
