package io.metricstream.storage.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.model.SampleRecordCodec;
import io.metricstream.contracts.model.SeriesKeyCodec;
import io.metricstream.contracts.storage.LabelMatcher;
import io.metricstream.runtime.metrics.MetricsRegistry;
import io.metricstream.storage.head.Head;
import io.metricstream.storage.head.HeadMetrics;
import io.metricstream.storage.head.HeadOptions;
import io.metricstream.storage.select.ChunkQuerier;
import io.metricstream.storage.select.Querier;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Series a deletion emptied: hidden from every listing and select (head only, blocks only, both), and removed from
 * the head by the next maintenance cycle without new data, freeing their place under the series limit.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DeletedSeriesTest {
    private static final long D = 10_000;
    private static final List<LabelMatcher> JOB = List.of(LabelMatcher.eq("job", "j"));

    @TempDir
    Path dir;

    private final HeadMetrics metrics = new HeadMetrics(new MetricsRegistry());

    private TimeSeriesDb open(final int maxSeries) throws Exception {
        return TimeSeriesDb.open(dir, new DbOptions(new HeadOptions(8, D, 2_000, maxSeries, 16, 256), 0, 0, 3, 4, 0),
            metrics);
    }

    private static LabelSet pod(final String name) {
        return LabelSet.of("__name__", "up", "job", "j", "pod", name);
    }

    /** Where the written samples are when the deletion comes. */
    enum Layout {
        HEAD, BLOCKS, BOTH
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void shouldListNoSeriesWhenEverySampleInTheRangeIsDeleted(final Layout layout) throws Exception {
        try (TimeSeriesDb db = open(1000)) {
            final ByteBuf record = Unpooled.buffer(256);
            // samples every 100 ms over [0, 2D): a in "gone", b untouched, c deleted in its first half only
            for (long t = 0; t < 2 * D; t += 100) {
                for (final String p : new String[] {"gone", "kept", "half"}) {
                    appendRecord(db.head(), record, pod(p), t, t);
                }
            }
            record.release();
            switch (layout) {
                case BLOCKS -> db.flush(Long.MAX_VALUE);
                case BOTH -> db.flush(D);
                default -> {
                }
            }
            db.delete(List.of(pod("gone")), Long.MIN_VALUE, Long.MAX_VALUE);
            db.delete(List.of(pod("half")), 0, D - 1);
            final String what = layout + " before head GC";
            assertListed(db, 0, Long.MAX_VALUE, List.of("half", "kept"), what);
            // every sample of "half" in this range is deleted
            assertListed(db, 0, D - 1, List.of("kept"), what + ", first half");
            assertListed(db, D, Long.MAX_VALUE, List.of("half", "kept"), what + ", second half");

            db.flushIfDue();
            assertNull(db.head().registry().get(pod("gone")), layout + ": deleted series left the head");
            if (layout != Layout.BLOCKS) {
                assertNotNull(db.head().registry().get(pod("half")), layout + ": half-deleted series stays");
            }
            assertListed(db, 0, Long.MAX_VALUE, List.of("half", "kept"), layout + " after head GC");
            assertListed(db, 0, D - 1, List.of("kept"), layout + " after head GC, first half");
            assertEquals(2 * D / 100, samples(db, "kept", 0, Long.MAX_VALUE), layout + ": kept samples");
            assertEquals(D / 100, samples(db, "half", 0, Long.MAX_VALUE), layout + ": half samples");
        }
    }

    @Test
    void shouldAdmitNewSeriesUpToTheLimitWhenDeletedSeriesAreCollectedWithoutNewData() throws Exception {
        final int limit = 10;
        try (TimeSeriesDb db = open(limit)) {
            final ByteBuf record = Unpooled.buffer(256);
            for (int i = 0; i < limit; i++) {
                appendRecord(db.head(), record, pod("old-" + i), 1_000, i);
            }
            final List<LabelSet> deleted = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                deleted.add(pod("old-" + i));
            }
            db.delete(deleted, 0, 1_000);
            appendRecord(db.head(), record, pod("early"), 1_100, 0);
            assertEquals(1, metrics.maxSeriesRejected(), "the limit holds until head GC");

            // nothing is due for a flush: the maintenance cycle's head GC alone frees the places
            assertEquals(0, db.flushIfDue());
            assertEquals(limit - 4, db.head().registry().size());
            assertEquals(4, metrics.seriesRemoved());
            for (int i = 0; i < 4; i++) {
                appendRecord(db.head(), record, pod("new-" + i), 1_100, i);
            }
            assertEquals(1, metrics.maxSeriesRejected(), "four new series admitted");
            appendRecord(db.head(), record, pod("one-too-many"), 1_100, 0);
            assertEquals(2, metrics.maxSeriesRejected(), "the limit holds again");
            // unchanged tombstones: the next cycle does not walk them again
            assertEquals(0, db.collectDeleted());
            assertEquals(0, samples(db, "old-0", 0, Long.MAX_VALUE));
            assertEquals(1, samples(db, "new-0", 0, Long.MAX_VALUE));
            // a deleted series coming back after its deleted range is created anew and its new sample is visible
            db.delete(List.of(pod("new-3")), 0, Long.MAX_VALUE);
            db.flushIfDue();
            appendRecord(db.head(), record, pod("old-0"), 1_200, 7);
            record.release();
            assertEquals(2, metrics.maxSeriesRejected(), "old-0 took the place new-3 left");
            assertEquals(1, samples(db, "old-0", 0, Long.MAX_VALUE));
        }
    }

    @Test
    void shouldCollectDeletedSeriesRestoredFromACheckpointAtTheFirstCycleAfterOpen() throws Exception {
        try (TimeSeriesDb db = open(100)) {
            final ByteBuf record = Unpooled.buffer(256);
            appendRecord(db.head(), record, pod("gone"), 1_000, 1);
            appendRecord(db.head(), record, pod("kept"), 1_000, 2);
            record.release();
            db.delete(List.of(pod("gone")), 0, 1_000);
            // checkpointed before any head GC: the checkpoint still holds the deleted samples
            db.checkpoint(Map.of(0, 3L));
        }
        try (TimeSeriesDb db = open(100)) {
            assertEquals(2, db.head().registry().size());
            assertListed(db, 0, Long.MAX_VALUE, List.of("kept"), "after reopen");
            db.flushIfDue();
            assertEquals(1, db.head().registry().size());
            assertNull(db.head().registry().get(pod("gone")));
        }
    }

    /** Series, label values and label names, SELECT and SELECT_CHUNKS all name exactly {@code pods}. */
    private static void assertListed(final TimeSeriesDb db, final long minT, final long maxT, final List<String> pods,
                                     final String what) throws Exception {
        final Querier q = new Querier(db);
        final List<String> series = new ArrayList<>();
        for (final LabelSet l : q.series(JOB, minT, maxT, 0)) {
            series.add(l.get("pod"));
        }
        assertEquals(pods, series, what + ": series");
        assertEquals(pods, q.labelValues("pod", JOB, minT, maxT, 0), what + ": label values");
        assertEquals(pods.isEmpty() ? List.of() : List.of("__name__", "job", "pod"), q.labelNames(JOB, minT, maxT, 0),
            what + ": label names");
        final List<String> selected = new ArrayList<>();
        q.select(JOB, minT, maxT, 0, (labels, samples) -> selected.add(labels.get("pod")));
        assertEquals(pods, selected, what + ": select");
        final List<String> chunked = new ArrayList<>();
        new ChunkQuerier(db).select(JOB, minT, maxT, 0, (labels, chunks) -> chunked.add(labels.get("pod")));
        assertEquals(pods, chunked, what + ": select chunks");
        // a limit counts only series that have samples left
        assertEquals(pods.size(), q.select(JOB, minT, maxT, pods.size(), (labels, samples) -> { }), what + ": limit");
    }

    private static int samples(final TimeSeriesDb db, final String pod, final long minT, final long maxT)
        throws Exception {
        final int[] n = {0};
        new Querier(db).select(List.of(LabelMatcher.eq("pod", pod)), minT, maxT, 0,
            (labels, samples) -> n[0] += samples.size());
        return n[0];
    }

    private static void appendRecord(final Head head, final ByteBuf record, final LabelSet labels, final long t,
                                     final double v) {
        record.clear();
        final int keyLength = SeriesKeyCodec.encode(labels, record);
        SampleRecordCodec.writeSample(record, t, v);
        head.appendRecord(record, 0, keyLength, keyLength, SampleRecordCodec.SAMPLE_LENGTH);
    }
}
