package io.metricstream.contracts.storage;

import io.metricstream.contracts.wire.WireReader;
import io.metricstream.contracts.wire.WireWriter;
import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * Body of LABEL_NAMES, LABEL_VALUES, SERIES and DELETE_SERIES requests (one shape for all four):
 * <pre>
 *   string16 labelName   LABEL_VALUES: the label whose values are wanted; "" for the others
 *   int64    minTimeMs   inclusive
 *   int64    maxTimeMs   inclusive
 *   int32    limit       0 = no limit (SERIES, LABEL_*: answer at most this many; DELETE_SERIES: ignored)
 *   matchers             may be empty for LABEL_NAMES / LABEL_VALUES (= all series); at least one otherwise
 * </pre>
 * Answers: LABEL_NAMES and LABEL_VALUES: {@code int32 count, string16[count]} sorted ascending;
 * SERIES: {@code int32 count, bytes32 seriesKey[count]}; DELETE_SERIES: {@code int64 seriesTouched}.
 *
 * @param labelName label for LABEL_VALUES, else ""
 * @param minTimeMs inclusive start
 * @param maxTimeMs inclusive end
 * @param limit limit or 0
 * @param matchers matchers, ANDed
 */
public record MetadataRequest(String labelName, long minTimeMs, long maxTimeMs, int limit,
                              List<LabelMatcher> matchers) {

    /** Writes this body. */
    public void encode(final ByteBuf out) {
        WireWriter.string16(out, labelName);
        out.writeLong(minTimeMs);
        out.writeLong(maxTimeMs);
        out.writeInt(limit);
        LabelMatcher.encodeList(out, matchers);
    }

    /** Decodes a body; {@code null} when malformed. */
    public static MetadataRequest decode(final WireReader r) {
        final String name = r.string16("labelName");
        final long min = r.int64("minTimeMs");
        final long max = r.int64("maxTimeMs");
        final int limit = r.int32("limit");
        final List<LabelMatcher> matchers = LabelMatcher.decodeList(r);
        if (r.ok() && limit < 0) {
            r.fail("limit must be >= 0");
        }
        return r.expectEnd("metadata request") ? new MetadataRequest(name, min, max, limit, matchers) : null;
    }
}
