package io.metricstream.contracts.storage;

import io.metricstream.contracts.wire.WireReader;
import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * SELECT_WINDOWS request body: for every series matching every matcher, {@code function} over each of
 * {@code stepCount} windows. Window {@code i} ends at {@code end_i = firstEndMs + i * stepMs} and holds the samples
 * with timestamps in {@code [end_i - rangeMs, end_i]}, both inclusive (Prometheus 2.x range selectors), stale
 * markers excluded (as range vectors drop them). Storage computes each window from rollup buckets that lie wholly
 * inside it plus raw samples for the rest (see {@link WindowFunction} for exactness), so long ranges read a fraction
 * of the samples.
 * <pre>
 *   int64  firstEndMs
 *   int64  stepMs      >= 0 (0: every window ends at firstEndMs, as with PromQL's @)
 *   int32  stepCount   1 ..= MAX_STEPS
 *   int64  rangeMs     >= 1
 *   int8   function    {@link WindowFunction#code()}
 *   int32  maxSeries   0 = no limit; more matching series than this fails with LIMIT_EXCEEDED
 *   matchers           (see {@link LabelMatcher}); at least one
 * </pre>
 * The answer is streamed as one or more response frames, each but the last flagged MORE; {@link SeriesWindows} has
 * the body layout.
 *
 * @param firstEndMs end of the first window
 * @param stepMs distance between window ends
 * @param stepCount number of windows
 * @param rangeMs window length
 * @param function the aggregate
 * @param maxSeries limit or 0
 * @param matchers matchers, ANDed
 */
public record WindowRequest(long firstEndMs, long stepMs, int stepCount, long rangeMs, WindowFunction function,
                            int maxSeries, List<LabelMatcher> matchers) {
    /** Most windows one request may ask for (Prometheus' 11,000 points per series). */
    public static final int MAX_STEPS = 11_000;

    /** End of window {@code i}. */
    public long endMs(final int i) {
        return firstEndMs + i * stepMs;
    }

    /** Earliest timestamp any window holds. */
    public long minTimeMs() {
        return firstEndMs - rangeMs;
    }

    /** Latest timestamp any window holds. */
    public long maxTimeMs() {
        return endMs(stepCount - 1);
    }

    /** Writes this body. */
    public void encode(final ByteBuf out) {
        out.writeLong(firstEndMs);
        out.writeLong(stepMs);
        out.writeInt(stepCount);
        out.writeLong(rangeMs);
        out.writeByte(function.code());
        out.writeInt(maxSeries);
        LabelMatcher.encodeList(out, matchers);
    }

    /** Decodes a body; {@code null} when malformed (the reader names the problem). */
    public static WindowRequest decode(final WireReader r) {
        final long firstEnd = r.int64("firstEndMs");
        final long step = r.int64("stepMs");
        final int steps = r.int32("stepCount");
        final long range = r.int64("rangeMs");
        final int code = r.int8("function");
        final int maxSeries = r.int32("maxSeries");
        final List<LabelMatcher> matchers = LabelMatcher.decodeList(r);
        final WindowFunction function = WindowFunction.of(code);
        if (r.ok() && (step < 0 || steps < 1 || steps > MAX_STEPS || range < 1 || maxSeries < 0)) {
            r.fail("want stepMs >= 0, 1 <= stepCount <= " + MAX_STEPS + ", rangeMs >= 1, maxSeries >= 0; got "
                + step + ", " + steps + ", " + range + ", " + maxSeries);
        }
        if (r.ok() && function == null) {
            r.fail("unknown window function " + code);
        }
        if (r.ok() && (matchers == null || matchers.isEmpty())) {
            r.fail("at least one matcher is required");
        }
        if (r.ok() && (overflows(firstEnd, step, steps) || firstEnd - range > firstEnd)) {
            r.fail("window ends overflow int64");
        }
        return r.expectEnd("select windows") ? new WindowRequest(firstEnd, step, steps, range, function, maxSeries,
            matchers) : null;
    }

    private static boolean overflows(final long firstEnd, final long step, final int steps) {
        try {
            Math.addExact(firstEnd, Math.multiplyExact(step, (long) steps - 1));
            return false;
        } catch (final ArithmeticException e) {
            return true;
        }
    }
}
