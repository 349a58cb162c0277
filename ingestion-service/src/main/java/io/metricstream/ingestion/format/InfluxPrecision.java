package io.metricstream.ingestion.format;

/** The {@code precision} query argument of Influx writes: the unit of line timestamps. */
public enum InfluxPrecision {
    /** Nanoseconds (the default). */
    NS,
    /** Microseconds. */
    US,
    /** Milliseconds. */
    MS,
    /** Seconds. */
    S;

    /** The precision named by {@code text} (null = ns; also Influx 1.x's {@code n}, {@code u}), or null. */
    public static InfluxPrecision parse(final String text) {
        if (text == null || text.isEmpty()) {
            return NS;
        }
        return switch (text) {
            case "ns", "n" -> NS;
            case "us", "u", "µs" -> US;
            case "ms" -> MS;
            case "s" -> S;
            default -> null;
        };
    }

    /**
     * Converts a timestamp in this unit to epoch milliseconds, rounding toward negative infinity; returns
     * {@link Long#MIN_VALUE} when seconds overflow the millisecond range.
     */
    public long toMillis(final long t) {
        return switch (this) {
            case NS -> Math.floorDiv(t, 1_000_000L);
            case US -> Math.floorDiv(t, 1_000L);
            case MS -> t;
            case S -> t > Long.MAX_VALUE / 1000 || t < Long.MIN_VALUE / 1000 + 1 ? Long.MIN_VALUE : t * 1000;
        };
    }
}
