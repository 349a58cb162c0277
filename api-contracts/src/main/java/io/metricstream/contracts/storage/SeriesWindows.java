package io.metricstream.contracts.storage;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.wire.WireReader;
import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * One series' window results, as a SELECT_WINDOWS answer carries them. Body of each response frame:
 * <pre>
 *   int32  seriesCount
 *   repeated seriesCount times:
 *     bytes32  seriesKey     canonical label set, metric name included
 *     int32    pointCount    1 ..= the request's stepCount
 *     repeated pointCount times: int32 stepIndex (strictly ascending), int64 valueBits
 * </pre>
 * A window without samples has no point; a series without any point is left out. A series is never split.
 *
 * @param labels the series
 * @param steps the window indexes that have a value, ascending
 * @param values the value of each of those windows
 */
public record SeriesWindows(LabelSet labels, int[] steps, double[] values) {

    /** Number of points. */
    public int size() {
        return steps.length;
    }

    /** Starts one series entry: writes its key and a point-count placeholder; returns where the count goes. */
    public static int beginSeries(final ByteBuf out, final byte[] seriesKey) {
        return AnswerSeries.beginEntry(out, seriesKey);
    }

    /** Writes one point. */
    public static void writePoint(final ByteBuf out, final int stepIndex, final double value) {
        out.writeInt(stepIndex);
        out.writeLong(Double.doubleToRawLongBits(value));
    }

    /** Ends the series begun at {@code countAt} with {@code pointCount} points written. */
    public static void endSeries(final ByteBuf out, final int countAt, final int pointCount) {
        out.setInt(countAt, pointCount);
    }

    /** Writes a whole SELECT_WINDOWS answer body holding {@code series} (tests, fakes). */
    public static void encodeList(final ByteBuf out, final List<SeriesWindows> series) {
        out.writeInt(series.size());
        for (final SeriesWindows s : series) {
            AnswerSeries.writeKey(out, s.labels);
            out.writeInt(s.steps.length);
            for (int i = 0; i < s.steps.length; i++) {
                writePoint(out, s.steps[i], s.values[i]);
            }
        }
    }

    /** Decodes one SELECT_WINDOWS answer body, adding its series to {@code into}; false when malformed. */
    public static boolean decodeList(final WireReader r, final ByteBuf buf, final List<SeriesWindows> into) {
        return AnswerSeries.decodeEntries(r, buf, (labels, i) -> {
            final int points = r.int32("pointCount");
            if (!r.ok() || points < 1 || points > WindowRequest.MAX_STEPS || points > r.remaining() / 12) {
                r.fail("bad point count " + points + " in series " + i);
                return false;
            }
            final int[] steps = new int[points];
            final double[] values = new double[points];
            for (int p = 0; p < points; p++) {
                steps[p] = r.int32("stepIndex");
                values[p] = Double.longBitsToDouble(r.int64("valueBits"));
                if (r.ok() && (steps[p] < 0 || p > 0 && steps[p] <= steps[p - 1])) {
                    r.fail("step indexes not ascending in series " + i);
                }
            }
            if (!r.ok()) {
                return false;
            }
            into.add(new SeriesWindows(labels, steps, values));
            return true;
        }) && r.expectEnd("select windows answer");
    }
}
