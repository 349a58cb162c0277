package io.metricstream.contracts.storage;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.wire.WireReader;
import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * One series with samples, as a SELECT answer carries them. Body of each SELECT response frame:
 * <pre>
 *   int32  seriesCount
 *   repeated seriesCount times:
 *     bytes32  seriesKey     canonical label set (docs/format/series-key.md)
 *     int32    sampleCount
 *     repeated sampleCount times: int64 timestampMs, int64 valueBits (raw IEEE-754 bits)
 * </pre>
 *
 * @param labels the series
 * @param timestamps sample timestamps, ascending
 * @param values sample values (raw bits preserved: stale markers survive)
 */
public record SeriesSamples(LabelSet labels, long[] timestamps, double[] values) {

    /** Number of samples. */
    public int size() {
        return timestamps.length;
    }

    /** Writes a whole SELECT answer body holding {@code series}. */
    public static void encodeList(final ByteBuf out, final List<SeriesSamples> series) {
        out.writeInt(series.size());
        for (final SeriesSamples s : series) {
            AnswerSeries.writeKey(out, s.labels);
            out.writeInt(s.timestamps.length);
            for (int i = 0; i < s.timestamps.length; i++) {
                out.writeLong(s.timestamps[i]);
                out.writeLong(Double.doubleToRawLongBits(s.values[i]));
            }
        }
    }

    /** Decodes one SELECT answer body, adding its series to {@code into}; false when malformed. */
    public static boolean decodeList(final WireReader r, final ByteBuf buf, final List<SeriesSamples> into) {
        return AnswerSeries.decodeEntries(r, buf, (labels, i) -> {
            final int samples = r.int32("sampleCount");
            if (!r.ok() || samples < 0 || samples > r.remaining() / 16) {
                r.fail("bad sample count " + samples);
                return false;
            }
            final long[] ts = new long[samples];
            final double[] vs = new double[samples];
            for (int j = 0; j < samples; j++) {
                ts[j] = r.int64("timestampMs");
                vs[j] = Double.longBitsToDouble(r.int64("valueBits"));
            }
            into.add(new SeriesSamples(labels, ts, vs));
            return true;
        }) && r.expectEnd("select answer");
    }
}
