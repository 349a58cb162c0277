package io.metricstream.loadgen.generate;

/**
 * How a series' values are written in text formats. The peers data set prints gauges with exactly two
 * decimals and counters as integers (Influx {@code 123i}); everything else uses the shortest round-trip form.
 */
public enum ValueStyle {
    /** Shortest text that parses back to the same double. */
    FLOAT,
    /** Exactly two decimals ({@code 12.30}); values are whole hundredths. */
    DECIMAL2,
    /** A whole number; Influx line protocol writes it as an integer field ({@code 123i}). */
    INTEGER
}
