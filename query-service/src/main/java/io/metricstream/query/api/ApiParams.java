package io.metricstream.query.api;

import io.metricstream.query.eval.QueryException;
import io.metricstream.query.promql.Durations;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** Parses API parameters the way Prometheus does; bad values become {@code bad_data} errors naming the field. */
public final class ApiParams {
    /** Default start of series/labels requests (Prometheus's min time, rounded). */
    public static final long MIN_TIME_MS = -9_223_309_901_257_974L;
    /** Default end of series/labels requests (Prometheus's max time, rounded). */
    public static final long MAX_TIME_MS = 9_223_309_901_257_974L;

    private ApiParams() {
    }

    /** A timestamp: unix seconds (decimals allowed) or RFC3339. */
    public static long timeMs(final String name, final String value) {
        try {
            final double seconds = Double.parseDouble(value);
            if (Double.isNaN(seconds) || Double.isInfinite(seconds) || Math.abs(seconds) > 9.2e15) {
                throw badTime(name, value);
            }
            final double whole = seconds < 0 ? Math.ceil(seconds) : Math.floor(seconds);
            final double frac = Math.round((seconds - whole) * 1000) / 1000.0;
            return (long) whole * 1000 + Math.round(frac * 1000);
        } catch (final NumberFormatException e) {
            try {
                return OffsetDateTime.parse(value).toInstant().toEpochMilli();
            } catch (final DateTimeParseException | ArithmeticException e2) {
                throw badTime(name, value);
            }
        }
    }

    private static QueryException badTime(final String name, final String value) {
        return badData("invalid parameter \"" + name + "\": cannot parse \"" + value + "\" to a valid timestamp");
    }

    /** A duration: float seconds or a Prometheus duration ({@code 1m}, {@code 15s}). */
    public static long durationMs(final String name, final String value) {
        try {
            final double seconds = Double.parseDouble(value);
            if (Double.isNaN(seconds) || Double.isInfinite(seconds) || Math.abs(seconds) > 9.2e15) {
                throw badData("invalid parameter \"" + name + "\": cannot parse \"" + value
                    + "\" to a valid duration. It overflows int64");
            }
            return Math.round(seconds * 1000);
        } catch (final NumberFormatException e) {
            final long ms = Durations.parseMs(value);
            if (ms < 0) {
                throw badData("invalid parameter \"" + name + "\": cannot parse \"" + value
                    + "\" to a valid duration");
            }
            return ms;
        }
    }

    /** A bad_data error. */
    public static QueryException badData(final String message) {
        return new QueryException(QueryException.Type.BAD_DATA, message);
    }
}
