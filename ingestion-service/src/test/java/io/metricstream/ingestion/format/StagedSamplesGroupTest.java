package io.metricstream.ingestion.format;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.metricstream.testsupport.Seeds;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link StagedSamples#groupBySeries} gives a stable sort by first appearance of each series, whether the body is
 * interleaved (time order), already grouped (series order: the sort is skipped) or grouped but for one sample.
 */
class StagedSamplesGroupTest {
    @Test
    void shouldSortStablyBySeriesFirstAppearanceWhetherOrNotTheBodyIsGrouped() {
        final long seed = Seeds.seed();
        final SplittableRandom r = new SplittableRandom(seed);
        final InfluxLineParser parser = new InfluxLineParser(ParseLimits.DEFAULT, false);
        int[] scratch = new int[1];
        for (int round = 0; round < 500; round++) {
            final int seriesCount = 1 + r.nextInt(20);
            final int n = 1 + r.nextInt(200);
            final int[] series = new int[n];
            final int mode = r.nextInt(3);
            for (int i = 0; i < n; i++) {
                // 0: interleaved at random; 1: grouped (non-decreasing); 2: grouped, then one sample moved
                series[i] = mode == 0 ? r.nextInt(seriesCount) : (int) ((long) i * seriesCount / n);
            }
            if (mode == 2 && n > 1) {
                final int k = r.nextInt(n);
                series[k] = r.nextInt(seriesCount);
            }
            final StringBuilder body = new StringBuilder();
            final List<int[]> want = new ArrayList<>();
            final List<Integer> firstSeen = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                body.append("m,s=s").append(series[i]).append(" v=").append(i).append(' ').append(i).append('\n');
                if (!firstSeen.contains(series[i])) {
                    firstSeen.add(series[i]);
                }
                want.add(new int[] {firstSeen.indexOf(series[i]), i});
            }
            want.sort(Comparator.comparingInt((int[] a) -> a[0]).thenComparingInt(a -> a[1]));
            final byte[] b = body.toString().getBytes(StandardCharsets.UTF_8);
            final StagedSamples s = StagedContent.staging(4, 1000);
            assertEquals(ParseStatus.COMPLETE, parser.parse(b, 0, b.length, InfluxPrecision.MS, 0, s));
            scratch = s.groupBySeries(scratch);
            final List<StagedContent.Row> rows = StagedContent.rows(s);
            final StringBuilder got = new StringBuilder();
            final StringBuilder expected = new StringBuilder();
            for (int i = 0; i < n; i++) {
                got.append(rows.get(i).labels()).append('@').append(rows.get(i).timestampMs()).append(' ');
                final int at = want.get(i)[1];
                expected.append("m_v{s=\"s").append(series[at]).append("\"}@").append(at).append(' ');
            }
            assertEquals(expected.toString(), got.toString(), "seed=" + seed + " round " + round);
            s.release();
        }
    }
}
