package io.metricstream.storage.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.model.SampleRecordCodec;
import io.metricstream.contracts.model.SeriesKeyCodec;
import io.metricstream.contracts.storage.LabelMatcher;
import io.metricstream.runtime.metrics.MetricsRegistry;
import io.metricstream.storage.chunk.SampleBuffer;
import io.metricstream.storage.head.Head;
import io.metricstream.storage.head.HeadMetrics;
import io.metricstream.storage.head.HeadOptions;
import io.metricstream.storage.head.MemSeries;
import io.metricstream.storage.select.Querier;
import io.metricstream.testsupport.Seeds;
import io.netty.buffer.ByteBuf;
import io.metricstream.testsupport.Awaits;
import io.netty.buffer.Unpooled;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Head GC: churned series (a generation of new series written, then flushed) leave the head, its postings and the
 * series limit's count; their samples stay readable exactly once from the blocks; a series coming back is created
 * anew; queries racing the GC miss nothing written before they began.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HeadGcTest {
    private static final long D = 10_000;
    private static final int PER_GENERATION = 40;
    private static final int SAMPLES = 20;
    private static final List<LabelMatcher> ALL = List.of(LabelMatcher.of(LabelMatcher.Type.RE, "__name__", ".+"));

    @TempDir
    Path dir;

    private final HeadMetrics metrics = new HeadMetrics(new MetricsRegistry());

    private TimeSeriesDb open(final int maxSeries) throws Exception {
        return TimeSeriesDb.open(dir, new DbOptions(new HeadOptions(8, D, 2_000, maxSeries, 16, 256), 0, 0, 3, 4, 0),
            metrics);
    }

    private static LabelSet pod(final int generation, final int i) {
        return LabelSet.of("__name__", "up", "job", "k8s", "pod", "pod-" + generation + "-" + i);
    }

    private static final LabelSet STABLE = LabelSet.of("__name__", "up", "job", "stable");

    /** Writes generation {@code g}: its pods' samples in [g*D, (g+1)*D), interleaved with the stable series'. */
    private static void writeGeneration(final Head head, final int g, final ByteBuf record) {
        for (int j = 0; j < SAMPLES; j++) {
            final long t = g * D + j * (D / SAMPLES);
            appendRecord(head, record, STABLE, t, g);
            for (int i = 0; i < PER_GENERATION; i++) {
                appendRecord(head, record, pod(g, i), t, i);
            }
        }
    }

    /** Appends one sample through the record path (with its series prediction), as the consumer does. */
    private static void appendRecord(final Head head, final ByteBuf record, final LabelSet labels, final long t,
                                     final double v) {
        record.clear();
        final int keyLength = SeriesKeyCodec.encode(labels, record);
        SampleRecordCodec.writeSample(record, t, v);
        head.appendRecord(record, 0, keyLength, keyLength, SampleRecordCodec.SAMPLE_LENGTH);
    }

    /** Every sample with ts in [0, maxT], per series: checked exactly once and with the written value. */
    private static long checkAll(final TimeSeriesDb db, final long maxT, final int generations, final String what)
        throws Exception {
        final TreeMap<LabelSet, Integer> counts = new TreeMap<>();
        final AtomicReference<String> wrong = new AtomicReference<>();
        new Querier(db).select(ALL, 0, maxT, 0, (labels, samples) -> {
            counts.put(labels, samples.size());
            checkValues(labels, samples, wrong);
        });
        assertEquals(null, wrong.get(), what);
        long total = 0;
        for (int g = 0; g < generations; g++) {
            for (int j = 0; j < SAMPLES; j++) {
                if (g * D + j * (D / SAMPLES) <= maxT) {
                    total += PER_GENERATION + 1;
                }
            }
        }
        long found = 0;
        for (final int n : counts.values()) {
            found += n;
        }
        assertEquals(total, found, what + ": samples in [0, " + maxT + "]");
        return found;
    }

    private static void checkValues(final LabelSet labels, final SampleBuffer samples,
                                    final AtomicReference<String> wrong) {
        for (int k = 0; k < samples.size(); k++) {
            final long t = samples.timestampAt(k);
            final int g = (int) (t / D);
            final String pod = labels.get("pod");
            final double expected = pod == null ? g : Integer.parseInt(pod.substring(pod.lastIndexOf('-') + 1));
            if (Double.longBitsToDouble(samples.valueBitsAt(k)) != expected
                || pod != null && !pod.startsWith("pod-" + g + "-")) {
                wrong.compareAndSet(null, labels + " t=" + t);
            }
        }
    }

    @Test
    void shouldKeepHeadBoundedAndAdmitNewSeriesWhenGenerationsChurn() throws Exception {
        final int generations = 30;
        // two generations and the stable series fit; without GC the third generation would be rejected
        try (TimeSeriesDb db = open(2 * PER_GENERATION + 1)) {
            final ByteBuf record = Unpooled.buffer(256);
            int maxHeadSeries = 0;
            for (int g = 0; g < generations; g++) {
                writeGeneration(db.head(), g, record);
                maxHeadSeries = Math.max(maxHeadSeries, db.head().registry().size());
                db.flushIfDue();
            }
            record.release();
            System.out.println("HeadGcTest churn: generations=" + generations + " created="
                + metrics.seriesCreated() + " removed=" + metrics.seriesRemoved() + " head series max="
                + maxHeadSeries + " end=" + db.head().registry().size());
            assertEquals(0, metrics.maxSeriesRejected());
            assertEquals(generations * PER_GENERATION + 1, metrics.seriesCreated());
            // every generation but the newest was flushed whole and removed; the stable series stays
            assertEquals((generations - 1) * PER_GENERATION, metrics.seriesRemoved());
            assertEquals(PER_GENERATION + 1, db.head().registry().size());
            assertTrue(maxHeadSeries <= 2 * PER_GENERATION + 1, "head series " + maxHeadSeries);
            // postings and label values of removed series are gone too
            assertEquals(PER_GENERATION, db.head().registry().labelValues("pod").size());
            assertEquals(0, db.head().registry().postings("pod", "pod-0-0").length);
            checkAll(db, Long.MAX_VALUE, generations, "after churn");
        }
    }

    @Test
    void shouldCreateSeriesAnewWithItsSamplesWhenItComesBackAfterRemoval() throws Exception {
        try (TimeSeriesDb db = open(1000)) {
            final Head head = db.head();
            final ByteBuf record = Unpooled.buffer(256);
            // A is always followed by pod-0-0, so the prediction learns A -> pod-0-0
            writeGeneration(head, 0, record);
            final MemSeries old = head.registry().all().get(1);
            assertEquals(pod(0, 0), old.labels());
            writeGeneration(head, 1, record);
            db.flushIfDue();
            assertTrue(old.removed(), "pod-0-0 removed");
            assertFalse(head.registry().labelValues("pod").contains("pod-0-0"));
            // pod-0-0 comes back right after the stable series, where the removed series was predicted
            appendRecord(head, record, STABLE, 2 * D, 2);
            appendRecord(head, record, pod(0, 0), 2 * D + 1, 0);
            final MemSeries back = head.registry().all().stream().filter(s -> s.labels().equals(pod(0, 0)))
                .findFirst().orElseThrow();
            assertNotSame(old, back);
            assertEquals(1, back.sampleCount());
            assertEquals(0, old.sampleCount());
            final TreeMap<Long, Long> read = new TreeMap<>();
            new Querier(db).select(List.of(LabelMatcher.eq("pod", "pod-0-0")), 0, Long.MAX_VALUE, 0,
                (labels, samples) -> {
                    for (int k = 0; k < samples.size(); k++) {
                        read.put(samples.timestampAt(k), samples.valueBitsAt(k));
                    }
                });
            // the 20 flushed samples from the block, the new one from the head
            assertEquals(SAMPLES + 1, read.size());
            assertTrue(read.containsKey(2 * D + 1));
            // a sample appended through a removed series reference lands in the registry's series
            head.append(old, 2 * D + 2, Double.doubleToRawLongBits(5.0));
            assertEquals(2, back.sampleCount());
            assertEquals(0, old.sampleCount());
            record.release();
        }
    }

    @Test
    void shouldNotRestoreRemovedSeriesWhenReopenedFromCheckpoint() throws Exception {
        final ByteBuf record = Unpooled.buffer(256);
        try (TimeSeriesDb db = open(1000)) {
            writeGeneration(db.head(), 0, record);
            writeGeneration(db.head(), 1, record);
            db.flushIfDue();
            db.checkpoint(Map.of(0, 7L));
            assertEquals(PER_GENERATION + 1, db.head().registry().size());
        }
        try (TimeSeriesDb db = open(1000)) {
            assertEquals(Map.of(0, 7L), db.recoveredOffsets());
            assertEquals(PER_GENERATION + 1, db.head().registry().size());
            checkAll(db, Long.MAX_VALUE, 2, "after reopen");
        }
        record.release();
    }

    @Test
    void shouldMissNoSampleWhenQueriesRunWhileHeadGcRemovesSeries() throws Exception {
        final long seed = Seeds.seed();
        final SplittableRandom rnd = new SplittableRandom(seed);
        final int generations = 40;
        try (TimeSeriesDb db = open(100_000)) {
            // newest timestamp whose samples (of every series) are all written; queries ask for [0, written]
            final AtomicLong written = new AtomicLong(-1);
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final AtomicLong answers = new AtomicLong();
            final Thread[] readers = new Thread[2];
            for (int r = 0; r < readers.length; r++) {
                readers[r] = new Thread(() -> {
                    while (!Thread.currentThread().isInterrupted() && failure.get() == null) {
                        final long upTo = written.get();
                        if (upTo < 0) {
                            continue;
                        }
                        try {
                            checkAll(db, upTo, generations, "query of [0, " + upTo + "]");
                            answers.incrementAndGet();
                        } catch (final Throwable e) {
                            failure.compareAndSet(null, e);
                        }
                    }
                }, "gc-reader-" + r);
                readers[r].start();
            }
            final ByteBuf record = Unpooled.buffer(256);
            try {
                for (int g = 0; g < generations && failure.get() == null; g++) {
                    writeGeneration(db.head(), g, record);
                    written.set(g * D + (SAMPLES - 1) * (D / SAMPLES));
                    // flush at a random point of the next generation's writes, or right away
                    if (rnd.nextBoolean()) {
                        db.flushIfDue();
                    }
                }
                db.flushIfDue();
                final long before = answers.get();
                Awaits.await(Duration.ofSeconds(30),
                    () -> answers.get() > before + 2 || failure.get() != null, "queries after the last flush");
            } finally {
                for (final Thread t : readers) {
                    t.interrupt();
                    t.join();
                }
                record.release();
            }
            if (failure.get() != null) {
                throw new AssertionError("seed=" + seed, failure.get());
            }
            assertTrue(metrics.seriesRemoved() > 0);
            assertEquals(0, db.head().readers().active());
        }
    }
}
