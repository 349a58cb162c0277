package io.metricstream.loadgen.verify;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.model.MetricNames;
import io.metricstream.loadgen.generate.SeriesCatalog;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;

/**
 * Reads back every acknowledged sample and reports, exactly, what was lost, duplicated, changed or invented.
 * Reads repeat (every {@code pollInterval}) until nothing is lost or the deadline passes, since ingestion acks
 * before storage has consumed. Only the acknowledged series and their time range are read; samples of
 * requests that got no answer may legitimately be present (at-least-once) and are counted apart.
 *
 * <p>For crash tests: record with {@link AckLog#acked} as answers arrive, then
 * {@code new Verifier(new PromQueryReader("http://127.0.0.1:" + queryPort, ...), ...).verify(catalog, log)}.
 */
public final class Verifier {
    private static final int MAX_EXAMPLES = 10;

    private final SampleReader reader;
    private final Duration deadline;
    private final Duration pollInterval;
    private final UnaryOperator<LabelSet> platformLabels;
    private final double relativeTolerance;

    /**
     * @param reader where samples are read back
     * @param deadline how long to keep re-reading while samples are missing
     * @param pollInterval pause between reads
     * @param platformLabels maps a sent series to the series the platform stores (e.g. Influx line protocol
     *     {@code m value=} becomes {@code m_value}); identity for JSON and remote write
     */
    public Verifier(final SampleReader reader, final Duration deadline, final Duration pollInterval,
                    final UnaryOperator<LabelSet> platformLabels) {
        this(reader, deadline, pollInterval, platformLabels, 0);
    }

    /**
     * As above, with values compared within {@code relativeTolerance} instead of bit for bit (for platforms that
     * store floats with fewer digits, as VictoriaMetrics does: ~12 significant digits).
     */
    public Verifier(final SampleReader reader, final Duration deadline, final Duration pollInterval,
                    final UnaryOperator<LabelSet> platformLabels, final double relativeTolerance) {
        this.relativeTolerance = relativeTolerance;
        this.reader = reader;
        this.deadline = deadline;
        this.pollInterval = pollInterval;
        this.platformLabels = platformLabels;
    }

    /** Appends {@code suffix} to the metric name: the label mapping of Influx field {@code value}. */
    public static UnaryOperator<LabelSet> metricSuffix(final String suffix) {
        if (suffix.isEmpty()) {
            return UnaryOperator.identity();
        }
        return l -> l.toBuilder().add(MetricNames.METRIC_NAME_LABEL, l.metricName() + suffix).build();
    }

    /** Verifies {@code log} (series ids into {@code catalog}); blocks up to the deadline. */
    public VerifyResult verify(final SeriesCatalog catalog, final AckLog log) throws IOException {
        final SeriesSamples expected = SeriesSamples.of(log.ackedSnapshot(), catalog.size());
        final SeriesSamples doubt = SeriesSamples.of(log.inDoubtSnapshot(), catalog.size());
        final Map<LabelSet, Integer> idByPlatform = new HashMap<>();
        final Map<String, long[]> rangeByMetric = new HashMap<>();
        for (int id = 0; id < catalog.size(); id++) {
            if (expected.size(id) == 0) {
                continue;
            }
            final LabelSet platform = platformLabels.apply(catalog.labels(id));
            idByPlatform.put(platform, id);
            final long[] r = rangeByMetric.computeIfAbsent(platform.metricName(),
                m -> new long[] {Long.MAX_VALUE, Long.MIN_VALUE});
            r[0] = Math.min(r[0], expected.timestamp(id, 0));
            r[1] = Math.max(r[1], expected.timestamp(id, expected.size(id) - 1));
        }
        final long end = System.nanoTime() + deadline.toNanos();
        int attempts = 0;
        while (true) {
            attempts++;
            final SeriesSamples found = new SeriesSamples(catalog.size());
            final long[] strangers = new long[1];
            final List<String> strangerExamples = new ArrayList<>();
            for (Map.Entry<String, long[]> e : rangeByMetric.entrySet()) {
                reader.read(e.getKey(), e.getValue()[0], e.getValue()[1], (labels, ts, bits) -> {
                    final Integer id = idByPlatform.get(labels);
                    if (id == null) {
                        strangers[0]++;
                        if (strangerExamples.size() < MAX_EXAMPLES) {
                            strangerExamples.add("unexpected series " + labels + " @" + ts);
                        }
                    } else {
                        found.add(id, ts, bits);
                    }
                });
            }
            found.sort();
            final boolean last = System.nanoTime() - end >= 0;
            final VerifyResult result = compare(catalog, expected, doubt, found, strangers[0], strangerExamples,
                attempts, relativeTolerance);
            if (result.lost() == 0 || last) {
                return result;
            }
            LockSupport.parkNanos(Math.min(pollInterval.toNanos(), Math.max(0, end - System.nanoTime())));
            if (Thread.currentThread().isInterrupted()) {
                throw new IOException("interrupted while verifying");
            }
        }
    }

    static VerifyResult compare(final SeriesCatalog catalog, final SeriesSamples expected, final SeriesSamples doubt,
                                final SeriesSamples found, final long strangers, final List<String> strangerExamples,
                                final int attempts, final double tolerance) {
        long nExpected = 0;
        long nFound = 0;
        long lost = 0;
        long duplicated = 0;
        long mismatched = 0;
        long unexpected = strangers;
        long inDoubtFound = 0;
        final List<String> examples = new ArrayList<>();
        for (int id = 0; id < expected.series(); id++) {
            final int ne = expected.size(id);
            final int nf = found.size(id);
            nFound += nf;
            int i = 0;
            int j = 0;
            while (i < ne || j < nf) {
                final long te = i < ne ? expected.timestamp(id, i) : Long.MAX_VALUE;
                final long tf = j < nf ? found.timestamp(id, j) : Long.MAX_VALUE;
                if (te < tf) {
                    lost++;
                    example(examples, "lost " + catalog.labels(id) + " @" + te);
                    i = skip(expected, id, i, te);
                    nExpected++;
                } else if (tf < te) {
                    final int k = doubt.lowerBound(id, tf);
                    if (k < doubt.size(id) && doubt.timestamp(id, k) == tf) {
                        inDoubtFound++;
                    } else {
                        unexpected++;
                        example(examples, "unexpected " + catalog.labels(id) + " @" + tf);
                    }
                    j++;
                } else {
                    nExpected++;
                    final int copies = skip(found, id, j, tf) - j;
                    duplicated += copies - 1;
                    if (copies > 1) {
                        example(examples, "duplicated x" + copies + " " + catalog.labels(id) + " @" + tf);
                    }
                    if (!anyBits(expected, id, i, te, found.bits(id, j), tolerance)) {
                        mismatched++;
                        example(examples, "mismatched " + catalog.labels(id) + " @" + tf + ": got "
                            + Double.longBitsToDouble(found.bits(id, j)) + "; want "
                            + Double.longBitsToDouble(expected.bits(id, i)));
                    }
                    i = skip(expected, id, i, te);
                    j += copies;
                }
            }
        }
        for (String s : strangerExamples) {
            example(examples, s);
        }
        return new VerifyResult(nExpected, nFound + strangers, lost, duplicated, mismatched, unexpected,
            inDoubtFound, attempts, lost == 0, List.copyOf(examples));
    }

    private static int skip(final SeriesSamples s, final int id, final int from, final long ts) {
        int k = from;
        while (k < s.size(id) && s.timestamp(id, k) == ts) {
            k++;
        }
        return k;
    }

    /** Whether any acknowledged copy of (id, ts) has {@code bits} (a resend may carry another value). */
    private static boolean anyBits(final SeriesSamples s, final int id, final int from, final long ts,
                                   final long bits, final double tolerance) {
        final double got = Double.longBitsToDouble(bits);
        for (int k = from; k < s.size(id) && s.timestamp(id, k) == ts; k++) {
            final double want = Double.longBitsToDouble(s.bits(id, k));
            if (s.bits(id, k) == bits || Double.isNaN(got) && Double.isNaN(want)
                || tolerance > 0 && Math.abs(got - want) <= tolerance * Math.abs(want)) {
                return true;
            }
        }
        return false;
    }

    private static void example(final List<String> examples, final String line) {
        if (examples.size() < MAX_EXAMPLES) {
            examples.add(line);
        }
    }

    /** The default poll interval. */
    public static Duration defaultPollInterval() {
        return Duration.ofMillis(TimeUnit.MILLISECONDS.toMillis(500));
    }
}
