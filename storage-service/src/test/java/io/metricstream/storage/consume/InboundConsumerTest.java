package io.metricstream.storage.consume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.contracts.client.ClientOptions;
import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.model.SampleRecordCodec;
import io.metricstream.contracts.model.SeriesKeyCodec;
import io.metricstream.contracts.storage.LabelMatcher;
import io.metricstream.contracts.storage.MetadataRequest;
import io.metricstream.contracts.storage.SelectRequest;
import io.metricstream.contracts.storage.SeriesSamples;
import io.metricstream.contracts.storage.StorageClient;
import io.metricstream.testsupport.Awaits;
import io.metricstream.testsupport.HttpProbe;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The storage service against a (fake) queue: consume, select over the binary protocol, restart, commit. */
@Tag("integration")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InboundConsumerTest {
    static final long T0 = 1_704_067_200_000L;

    @TempDir
    Path dir;

    static FakeQueueServer.Rec record(final LabelSet labels, final long fromTs, final int samples) {
        final ByteBuf key = Unpooled.buffer();
        final ByteBuf value = Unpooled.buffer();
        try {
            SeriesKeyCodec.encode(labels, key);
            for (int i = 0; i < samples; i++) {
                SampleRecordCodec.writeSample(value, fromTs + i * 15_000L, (fromTs / 1000 + i) / 100.0);
            }
            final byte[] k = new byte[key.readableBytes()];
            key.getBytes(0, k);
            final byte[] v = new byte[value.readableBytes()];
            value.getBytes(0, v);
            return new FakeQueueServer.Rec(k, v);
        } finally {
            key.release();
            value.release();
        }
    }

    static LabelSet series(final int i) {
        return LabelSet.of("__name__", "cpu", "host", "h" + i, "job", "j" + i % 2);
    }

    static long totalSamples(final StorageClient client) throws Exception {
        long n = 0;
        for (final SeriesSamples s : client.select(new SelectRequest(Long.MIN_VALUE, Long.MAX_VALUE, 0,
            List.of(LabelMatcher.eq("__name__", "cpu")))).get(10, TimeUnit.SECONDS)) {
            n += s.size();
            for (int i = 1; i < s.size(); i++) {
                assertTrue(s.timestamps()[i] > s.timestamps()[i - 1], "sorted, no duplicates");
            }
        }
        return n;
    }

    @Test
    void shouldServeConsumedSamplesAndCommitWhenQueueHasRecords() throws Exception {
        try (FakeQueueServer queue = new FakeQueueServer(2)) {
            long produced = 0;
            for (int b = 0; b < 20; b++) {
                for (int p = 0; p < 2; p++) {
                    // a series always goes to one partition (its hash picks it), so its samples stay in order
                    final List<FakeQueueServer.Rec> recs = new ArrayList<>();
                    for (int s = p; s < 10; s += 2) {
                        recs.add(record(series(s), T0 + b * 10 * 15_000L, 10));
                        produced += 10;
                    }
                    queue.append(p, recs);
                }
            }
            final long expected = produced;
            try (StorageNode node = StorageNode.start(StorageNode.config(dir, queue.port(), Map.of()));
                 StorageClient client = new StorageClient("127.0.0.1", node.binaryPort(), ClientOptions.DEFAULT)) {
                Awaits.await(Duration.ofSeconds(20), () -> safeTotal(client) == expected, "all samples selectable");
                Awaits.await(Duration.ofSeconds(10), () -> queue.committed(0) == queue.highWatermark(0)
                    && queue.committed(1) == queue.highWatermark(1), "offsets committed after checkpoint");
                final List<String> hosts = client.labelValues(new MetadataRequest("host", Long.MIN_VALUE,
                    Long.MAX_VALUE, 0, List.of())).get(5, TimeUnit.SECONDS);
                assertEquals(10, hosts.size());
                final List<SeriesSamples> one = client.select(new SelectRequest(T0, T0 + 15_000L * 4, 0,
                    List.of(LabelMatcher.eq("host", "h3")))).get(5, TimeUnit.SECONDS);
                assertEquals(1, one.size());
                assertEquals(5, one.getFirst().size());
                assertEquals(T0 / 1000 / 100.0, one.getFirst().values()[0]);
                assertEquals(200, HttpProbe.statusOrMinusOne("http://127.0.0.1:" + node.httpPort()
                    + "/api/v1/select?match=cpu%7Bhost%3D%22h3%22%7D"));
                assertEquals(400, HttpProbe.statusOrMinusOne("http://127.0.0.1:" + node.httpPort()
                    + "/api/v1/select?match=cpu%7Bhost%3D"));
                assertEquals(1L, client.deleteSeries(new MetadataRequest("", T0, T0 + 15_000L * 9, 0,
                    List.of(LabelMatcher.eq("host", "h3")))).get(5, TimeUnit.SECONDS));
                assertEquals(expected - 10, totalSamples(client));
                final String base = "http://127.0.0.1:" + node.httpPort();
                final HttpProbe.Response clean = HttpProbe.post(base + "/api/v1/admin/clean_tombstones",
                    "application/json", "");
                assertEquals(200, clean.status(), clean.toString());
                assertEquals(expected - 10, totalSamples(client));
                final HttpProbe.Response labels = HttpProbe.get(base + "/api/v1/labels");
                assertTrue(labels.body().contains("\"host\""), labels.toString());
                final HttpProbe.Response status = HttpProbe.get(base + "/api/v1/status");
                assertTrue(status.body().contains("\"tombstonedSeries\":0"), status.toString());
                final HttpProbe.Response badStart = HttpProbe.get(base + "/api/v1/series?match=cpu&start=x");
                assertEquals(400, badStart.status());
                assertTrue(badStart.body().contains("\"field\":\"start\""), badStart.toString());
                final HttpProbe.Response rollup = HttpProbe.get(base
                    + "/api/v1/select?match=cpu%7Bhost%3D%22h0%22%7D&resolution=auto&agg=count");
                assertEquals(200, rollup.status(), rollup.toString());
                assertTrue(rollup.body().contains("\"resolution\":\"1h\",\"agg\":\"count\",\"samples\":[["
                    + T0 + ",\"200\"]]"), "auto over all time picks 1h; 200 samples in the hour: " + rollup);
                final HttpProbe.Response badRes = HttpProbe.get(base + "/api/v1/select?match=cpu&resolution=2m");
                assertEquals(400, badRes.status());
                assertTrue(badRes.body().contains("\"field\":\"resolution\""), badRes.toString());
                final HttpProbe.Response badAgg = HttpProbe.get(base
                    + "/api/v1/select?match=cpu&resolution=1h&agg=p99");
                assertEquals(400, badAgg.status());
                assertTrue(badAgg.body().contains("\"field\":\"agg\""), badAgg.toString());
            }
            // restart: the checkpoint and the committed offsets give back every sample exactly once
            queue.append(0, List.of(record(series(0), T0 + 1_000_000_000L, 3)));
            try (StorageNode node = StorageNode.start(StorageNode.config(dir, queue.port(), Map.of()));
                 StorageClient client = new StorageClient("127.0.0.1", node.binaryPort(), ClientOptions.DEFAULT)) {
                Awaits.await(Duration.ofSeconds(20), () -> safeTotal(client) == expected - 10 + 3,
                    "samples after restart");
                assertEquals(0, node.service().db().head().metrics().conflicts());
                assertEquals(0, node.service().db().head().metrics().tooOld());
            }
        }
    }

    @Test
    void shouldHaveItsLastCommitAnsweredBeforeItLeavesWhenStopping() throws Exception {
        try (FakeQueueServer queue = new FakeQueueServer(1)) {
            queue.append(0, List.of(record(series(0), T0, 10)));
            final StorageNode node = StorageNode.start(StorageNode.config(dir, queue.port(), Map.of()));
            try (StorageClient client = new StorageClient("127.0.0.1", node.binaryPort(), ClientOptions.DEFAULT)) {
                Awaits.await(Duration.ofSeconds(20), () -> safeTotal(client) == 10, "samples selectable");
                queue.append(0, List.of(record(series(0), T0 + 10 * 15_000L, 5)));
                Awaits.await(Duration.ofSeconds(20), () -> safeTotal(client) == 15, "more samples selectable");
            } finally {
                // the queue answers the final commit after the leave: the consumer must wait for it, or the
                // connection closes under it ("offset commit failed: connection lost" on every clean stop)
                queue.delayCommitAnswers(300);
                final int before = queue.commitAnswersDelivered();
                node.close();
                assertEquals(queue.highWatermark(0), queue.committed(0), "final commit sent");
                assertTrue(queue.commitAnswersDelivered() > before, "final commit answered before the stop");
            }
        }
    }

    static long safeTotal(final StorageClient client) {
        try {
            return totalSamples(client);
        } catch (final Exception e) {
            return -1;
        }
    }

    @Test
    void shouldStreamSplitFramesWhenSelectIsLargerThanOneFrame() throws Exception {
        try (FakeQueueServer queue = new FakeQueueServer(1)) {
            for (int b = 0; b < 10; b++) {
                queue.append(0, List.of(record(series(1), T0 + b * 5_000 * 15_000L, 5_000)));
            }
            try (StorageNode node = StorageNode.start(StorageNode.config(dir, queue.port(),
                Map.of("storage.select_frame_bytes", "4096")));
                 StorageClient client = new StorageClient("127.0.0.1", node.binaryPort(), ClientOptions.DEFAULT)) {
                Awaits.await(Duration.ofSeconds(20), () -> safeTotal(client) == 50_000, "50,000 samples in frames");
                final List<SeriesSamples> all = client.select(new SelectRequest(Long.MIN_VALUE, Long.MAX_VALUE, 0,
                    List.of(LabelMatcher.eq("host", "h1")))).get(10, TimeUnit.SECONDS);
                assertEquals(1, all.size());
                assertEquals(50_000, all.getFirst().size());
            }
        }
    }
}
