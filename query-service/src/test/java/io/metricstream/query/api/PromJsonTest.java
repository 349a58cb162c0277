package io.metricstream.query.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.query.eval.QueryResult;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The parallel, part-wise UTF-8 answer equals the one-builder answer byte for byte. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PromJsonTest {
    private static QueryResult.Matrix matrix(final SplittableRandom rnd, final int seriesCount, final int maxPoints) {
        final List<QueryResult.Series> series = new ArrayList<>();
        for (int i = 0; i < seriesCount; i++) {
            final int n = 1 + rnd.nextInt(maxPoints);
            final long[] ts = new long[n];
            final double[] vs = new double[n];
            for (int k = 0; k < n; k++) {
                ts[k] = 1_704_067_200_000L + k * 60_000L + rnd.nextInt(3) * 7;
                vs[k] = rnd.nextBoolean() ? rnd.nextDouble() * 1e4 : rnd.nextInt(1000) / 100.0;
            }
            series.add(new QueryResult.Series(LabelSet.of("__name__", "m", "host", "h\u00e9" + i), ts, vs));
        }
        return new QueryResult.Matrix(series);
    }

    private static byte[] joined(final byte[][] parts) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (final byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    @Test
    void shouldEqualOneBuilderAnswerWhenLargeMatrixIsWrittenInParts() {
        final long seed = Long.getLong("seed", System.nanoTime());
        System.out.println("PromJsonTest seed=" + seed + " (replay with -Dseed=" + seed + ")");
        final SplittableRandom rnd = new SplittableRandom(seed);
        for (int round = 0; round < 10; round++) {
            final QueryResult.Matrix m = matrix(rnd, 2 + rnd.nextInt(300), 1 + rnd.nextInt(3_000));
            final byte[][] parts = PromJson.successResultUtf8(m);
            assertArrayEquals(PromJson.successResult(m).toString().getBytes(StandardCharsets.UTF_8), joined(parts),
                "seed=" + seed);
        }
    }

    @Test
    void shouldWriteEveryPointLikeMarshalTimestampWhenSeriesShareTimestamps() {
        final SplittableRandom rnd = new SplittableRandom(3);
        final QueryResult.Matrix m = matrix(rnd, 40, 6_000);
        final StringBuilder want = new StringBuilder("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\","
            + "\"result\":[");
        for (int i = 0; i < m.series().size(); i++) {
            final QueryResult.Series s = m.series().get(i);
            want.append(i > 0 ? "," : "").append("{\"metric\":");
            PromJson.labels(want, s.labels());
            want.append(",\"values\":[");
            for (int k = 0; k < s.timestamps().length; k++) {
                final long t = s.timestamps()[k];
                want.append(k > 0 ? "," : "").append('[').append(t / 1000)
                    .append(t % 1000 == 0 ? "" : String.format(Locale.ROOT, ".%03d", t % 1000)).append(",\"")
                    .append(io.metricstream.query.eval.PromFloats.format(s.values()[k])).append("\"]");
            }
            want.append("]}");
        }
        want.append("]}}");
        assertEquals(want.toString(), PromJson.successResult(m).toString());
        assertArrayEquals(want.toString().getBytes(StandardCharsets.UTF_8), joined(PromJson.successResultUtf8(m)));
    }

    @Test
    void shouldSplitOverCoresWhenMatrixHasManyPoints() {
        final QueryResult.Matrix m = matrix(new SplittableRandom(1), 200, 2_000);
        final byte[][] parts = PromJson.successResultUtf8(m);
        final int cores = Runtime.getRuntime().availableProcessors();
        assertEquals(Math.min(cores, 200), parts.length);
        for (final byte[] p : parts) {
            assertTrue(p.length > 0);
        }
    }

    @Test
    void shouldWriteOnePartWhenResultIsSmall() {
        final QueryResult.Matrix m = matrix(new SplittableRandom(2), 3, 10);
        final byte[][] parts = PromJson.successResultUtf8(m);
        assertEquals(1, parts.length);
        assertArrayEquals(PromJson.successResult(m).toString().getBytes(StandardCharsets.UTF_8), parts[0]);
    }
}
