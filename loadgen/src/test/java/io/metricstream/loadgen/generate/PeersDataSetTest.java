package io.metricstream.loadgen.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Spot checks against gen.py output; the byte-for-byte check of the whole set is bench/check-dataset.sh. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PeersDataSetTest {
    private static final PeersDataSet SMALL = new PeersDataSet("42", 3, 0.05, 15, PeersDataSet.DEFAULT_START_MS);

    private static void f(final String metric, final int host, final double... expected) {
        final int id = SMALL.catalog().idOf(io.metricstream.contracts.model.LabelSet.of("__name__", metric,
            "host", "h0" + host, "job", "api", "region", SyntheticSource.REGIONS[host]));
        final PeersDataSet.SeriesValues values = SMALL.values(id);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], values.nextValue(), 0.0, metric + " h0" + host + " step " + i);
        }
    }

    @Test
    void shouldReproduceGenPyValuesWhenSeriesAreSpotChecked() {
        // python3 gen.py --format prom --order series --hours 0.05 --hosts 3
        f("node_cpu_utilization_percent", 0, 12.95, 14.71, 15.76);
        f("node_memory_used_percent", 2, 14.63, 14.95);
        f("node_filesystem_used_percent", 1, 28.25, 28.24, 28.21);
        f("http_requests_total", 0, 2226602, 2226645, 2226779);
    }

    @Test
    void shouldDescribeGenPyDefaultsWhenDefaultsAreUsed() {
        final PeersDataSet d = PeersDataSet.defaults();
        assertEquals(1000, d.catalog().size());
        assertEquals(5760, d.steps());
        assertEquals(5_760_000L, d.totalSamples());
        assertEquals(1_704_067_200_000L, d.startMs());
        assertEquals("node_cpu_utilization_percent", d.catalog().metricName(0));
        assertEquals("h99", d.catalog().labels(99).get("host"));
        assertEquals("ap-south", d.catalog().labels(99).get("region"));
        assertEquals("api", d.catalog().labels(99).get("job"));   // JOBS[(99 // 4) % 4]
        assertEquals("worker", d.catalog().labels(12).get("job"));
    }

    @Test
    void shouldSendDisjointSeriesOverTheSameTimesWhenAnotherHostPrefixIsGiven() {
        final PeersDataSet warm = new PeersDataSet("42", 3, 0.05, 15, PeersDataSet.DEFAULT_START_MS, "warm");
        assertEquals(SMALL.catalog().size(), warm.catalog().size());
        assertEquals(SMALL.totalSamples(), warm.totalSamples());
        assertEquals(SMALL.startMs(), warm.startMs());
        for (int id = 0; id < warm.catalog().size(); id++) {
            final io.metricstream.contracts.model.LabelSet labels = warm.catalog().labels(id);
            assertTrue(labels.get("host").startsWith("warm0"), labels.toString());
            assertEquals(-1, SMALL.catalog().idOf(labels), "series shared with gen.py's: " + labels);
        }
    }

    @Test
    void shouldReplayInTimeOrderWhenSourced() {
        final SampleSource s = SMALL.source();
        final SampleBatch b = new SampleBatch(10);
        long total = 0;
        long prevTs = Long.MIN_VALUE;
        int n;
        while ((n = s.fill(b, 7, 0)) > 0) {
            for (int i = 0; i < b.size(); i++) {
                assertTrue(b.timestampMs(i) >= prevTs, "time order");
                prevTs = b.timestampMs(i);
            }
            total += n;
            b.clear();
        }
        assertEquals(SMALL.totalSamples(), total);
        assertEquals(30L * 12, total);
    }

    @Test
    void shouldKeepCountersMonotonicAndGaugesInBoundsWhenRunForADay() {
        final PeersDataSet d = new PeersDataSet("7", 2, 24, 15, 0);
        for (int id = 0; id < d.catalog().size(); id++) {
            final PeersDataSet.SeriesValues v = d.values(id);
            final PeersDataSet.Metric m = PeersDataSet.METRICS.get(id / 2);
            long prev = Long.MIN_VALUE;
            for (int i = 0; i < d.steps(); i++) {
                final long x = v.next();
                if (m.gauge()) {
                    assertTrue(x >= m.lo() && x <= m.hi(), m.name() + " out of bounds: " + x);
                } else {
                    assertTrue(x >= prev, m.name() + " decreased at " + i);
                }
                prev = x;
            }
        }
    }
}
