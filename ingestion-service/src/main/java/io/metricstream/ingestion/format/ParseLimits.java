package io.metricstream.ingestion.format;

/**
 * The validation limits every parser applies (from {@code ingestion.*} config keys).
 *
 * @param maxLabelsPerSeries labels per series, {@code __name__} included
 * @param maxLabelNameLength UTF-8 bytes of a label name
 * @param maxLabelValueLength UTF-8 bytes of a label value and of the metric name (the value of {@code __name__})
 * @param maxSamplesPerRequest samples per request
 * @param maxBodyBytes bound on a decompressed body (remote write's snappy block is bounded by it too)
 */
public record ParseLimits(int maxLabelsPerSeries, int maxLabelNameLength, int maxLabelValueLength,
                          int maxSamplesPerRequest, int maxBodyBytes) {
    /** The config defaults. */
    public static final ParseLimits DEFAULT = new ParseLimits(32, 256, 4096, 1_000_000, 32 << 20);
}
