package io.metricstream.contracts.storage;

import io.metricstream.contracts.wire.WireReader;
import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * SELECT request body: series matching every matcher, with their samples in [minTimeMs, maxTimeMs]
 * (both inclusive).
 * <pre>
 *   int64  minTimeMs
 *   int64  maxTimeMs
 *   int32  maxSeries     0 = no limit; more matching series than this fails with LIMIT_EXCEEDED
 *   matchers             (see {@link LabelMatcher}); at least one
 * </pre>
 * The answer is streamed as one or more response frames with the same correlation id, each but the last
 * flagged MORE ({@link SeriesSamples} has the body layout). Samples of a series are in timestamp order,
 * without duplicates; stale markers are returned as stored. Series order is unspecified, and one series
 * may be split across consecutive entries (same key) when it is too large for one frame.
 *
 * @param minTimeMs inclusive start
 * @param maxTimeMs inclusive end
 * @param maxSeries limit or 0
 * @param matchers matchers, ANDed
 */
public record SelectRequest(long minTimeMs, long maxTimeMs, int maxSeries, List<LabelMatcher> matchers) {

    /** Writes this body. */
    public void encode(final ByteBuf out) {
        out.writeLong(minTimeMs);
        out.writeLong(maxTimeMs);
        out.writeInt(maxSeries);
        LabelMatcher.encodeList(out, matchers);
    }

    /** Decodes a body; {@code null} when malformed. */
    public static SelectRequest decode(final WireReader r) {
        final long min = r.int64("minTimeMs");
        final long max = r.int64("maxTimeMs");
        final int maxSeries = r.int32("maxSeries");
        final List<LabelMatcher> matchers = LabelMatcher.decodeList(r);
        if (r.ok() && (matchers == null || matchers.isEmpty())) {
            r.fail("at least one matcher is required");
        }
        if (r.ok() && maxSeries < 0) {
            r.fail("maxSeries must be >= 0");
        }
        return r.expectEnd("select") ? new SelectRequest(min, max, maxSeries, matchers) : null;
    }
}
