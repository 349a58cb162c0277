package io.metricstream.loadgen.generate;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.model.MetricNames;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The data set of {@code shared/peers/gen.py}, reproduced sample for sample: same series in the same order
 * (metric-major, then host), same timestamps, same values. gen.py gives every series its own
 * {@code random.Random("<seed>:<metric>:<host>")} and only calls {@code random()}, then does integer arithmetic
 * (gauges as hundredths reflected at their bounds, counters with a triangular day/night increment), so
 * {@link PythonRandom} plus the same integer arithmetic here yields identical numbers. Equality with gen.py is
 * checked by {@code loadgen/bench/check-dataset.sh}.
 *
 * <p>Immutable; {@link #source()} returns a fresh single-consumer replay in time order.
 */
public final class PeersDataSet {
    /** One gen.py metric: bounds and maximum step are hundredths for gauges, counts for counters. */
    record Metric(String name, boolean gauge, long lo, long hi, long max, String help) {
    }

    static final List<Metric> METRICS = List.of(
        new Metric("node_cpu_utilization_percent", true, 0, 10000, 300, "CPU utilisation in percent"),
        new Metric("node_memory_used_percent", true, 1000, 9500, 50, "Memory used in percent"),
        new Metric("node_load1", true, 0, 3200, 80, "1m load average"),
        new Metric("node_filesystem_used_percent", true, 500, 9900, 5, "Filesystem used in percent"),
        new Metric("node_temperature_celsius", true, 3000, 9000, 50, "CPU temperature"),
        new Metric("http_requests_total", false, 0, 0, 3000, "HTTP requests served"),
        new Metric("http_request_errors_total", false, 0, 0, 20, "HTTP requests that failed"),
        new Metric("node_network_receive_bytes_total", false, 0, 0, 50_000_000, "Bytes received"),
        new Metric("node_network_transmit_bytes_total", false, 0, 0, 20_000_000, "Bytes transmitted"),
        new Metric("node_disk_written_bytes_total", false, 0, 0, 10_000_000, "Bytes written to disk"));

    /** gen.py's host names are this prefix and a zero-padded number. */
    public static final String GEN_PY_HOST_PREFIX = "h";

    /** gen.py's default start, 2024-01-01T00:00:00Z. */
    public static final long DEFAULT_START_MS = 1_704_067_200_000L;

    private final String seed;
    private final int hosts;
    private final long stepMs;
    private final int steps;
    private final int stepsPerDay;
    private final long startMs;
    private final SeriesCatalog catalog;
    private final String[] hostNames;

    /**
     * The data set of {@code gen.py --seed S --hosts H --hours X --step N --start T}.
     *
     * @param seed gen.py {@code --seed} (default "42")
     * @param hosts gen.py {@code --hosts} (default 100)
     * @param hours gen.py {@code --hours} (default 24)
     * @param stepSeconds gen.py {@code --step} (default 15)
     * @param startMs gen.py {@code --start} in epoch ms
     */
    public PeersDataSet(final String seed, final int hosts, final double hours, final int stepSeconds,
                        final long startMs) {
        this(seed, hosts, hours, stepSeconds, startMs, GEN_PY_HOST_PREFIX);
    }

    /**
     * The same data set with host label values {@code <hostPrefix>00, <hostPrefix>01, ...}: another prefix gives
     * disjoint series over the same time range (a benchmark's warm-up pass that is not the measured data).
     *
     * @param hostPrefix non-empty prefix of the host label values
     */
    public PeersDataSet(final String seed, final int hosts, final double hours, final int stepSeconds,
                        final long startMs, final String hostPrefix) {
        if (hostPrefix == null || hostPrefix.isEmpty()) {
            throw new IllegalArgumentException("want a non-empty host prefix");
        }
        if (hosts < 1 || stepSeconds < 1 || hours <= 0) {
            throw new IllegalArgumentException("want hosts >= 1, step >= 1 s, hours > 0: got hosts=" + hosts
                + " step=" + stepSeconds + " hours=" + hours);
        }
        this.seed = seed;
        this.hosts = hosts;
        this.stepMs = stepSeconds * 1000L;
        this.steps = (int) Math.rint(hours * 3600 / stepSeconds);   // Python round(): half to even
        this.stepsPerDay = 86400 / stepSeconds;
        this.startMs = startMs;
        final int width = Math.max(2, Integer.toString(hosts - 1).length());
        this.hostNames = new String[hosts];
        final SeriesCatalog.Builder b = SeriesCatalog.builder();
        for (int h = 0; h < hosts; h++) {
            hostNames[h] = hostPrefix + String.format(Locale.ROOT, "%0" + width + "d", h);
        }
        for (Metric m : METRICS) {
            for (int h = 0; h < hosts; h++) {
                b.add(LabelSet.of(MetricNames.METRIC_NAME_LABEL, m.name(), "host", hostNames[h],
                        "job", SyntheticSource.JOBS[(h / SyntheticSource.REGIONS.length) % SyntheticSource.JOBS.length],
                        "region", SyntheticSource.REGIONS[h % SyntheticSource.REGIONS.length]),
                    m.gauge() ? ValueStyle.DECIMAL2 : ValueStyle.INTEGER);
            }
        }
        this.catalog = b.build();
    }

    /** gen.py's defaults: seed 42, 100 hosts, 24 h, 15 s, from 2024-01-01T00:00:00Z. */
    public static PeersDataSet defaults() {
        return new PeersDataSet("42", 100, 24.0, 15, DEFAULT_START_MS);
    }

    /** Parses gen.py's {@code --start}: ISO UTC {@code YYYY-MM-DDTHH:MM:SSZ}, or digits (s, or ms when > 1e11). */
    public static long parseStart(final String text) {
        if (!text.isEmpty() && text.chars().allMatch(Character::isDigit)) {
            final long v = Long.parseLong(text);
            return v > 100_000_000_000L ? v : v * 1000;
        }
        final String s = text.endsWith("Z") ? text : text + "Z";
        return Instant.parse(s).toEpochMilli();
    }

    /** The series, in gen.py's canonical order. */
    public SeriesCatalog catalog() {
        return catalog;
    }

    /** Samples per series. */
    public int steps() {
        return steps;
    }

    /** Milliseconds between samples. */
    public long stepMs() {
        return stepMs;
    }

    /** Timestamp of the first sample. */
    public long startMs() {
        return startMs;
    }

    /** Total samples. */
    public long totalSamples() {
        return (long) catalog.size() * steps;
    }

    /** The value generator of series {@code id}, positioned before its first sample. */
    public SeriesValues values(final int id) {
        final Metric m = METRICS.get(id / hosts);
        return new SeriesValues(m, new PythonRandom(seed + ":" + m.name() + ":" + hostNames[id % hosts]),
            stepsPerDay);
    }

    /** A replay of the whole data set in time order (all series at t0, then t1, ...). */
    public SampleSource source() {
        return new TimeOrderSource();
    }

    /**
     * gen.py's {@code series_values}: integers (hundredths for gauges, counts for counters). Not thread-safe.
     */
    public static final class SeriesValues {
        private final Metric metric;
        private final PythonRandom rng;
        private final int half;
        private final int stepsPerDay;
        private final long hostPermille;
        private long v;
        private int i;

        SeriesValues(final Metric metric, final PythonRandom rng, final int stepsPerDay) {
            this.metric = metric;
            this.rng = rng;
            this.stepsPerDay = stepsPerDay;
            this.half = Math.max(1, stepsPerDay / 2);
            if (metric.gauge()) {
                v = metric.lo() + (long) (rng.random() * (metric.hi() - metric.lo()));
                hostPermille = 0;
            } else {
                v = (long) (rng.random() * metric.max() * 1000);
                hostPermille = 500 + (long) (rng.random() * 1000);
            }
        }

        /** Whether values are hundredths (gauge) rather than counts. */
        public boolean gauge() {
            return metric.gauge();
        }

        /** The next integer value. */
        public long next() {
            final long out = v;
            if (metric.gauge()) {
                final long lo = metric.lo();
                final long hi = metric.hi();
                v += (long) (rng.random() * (2 * metric.max() + 1)) - metric.max();
                if (v < lo) {
                    v = 2 * lo - v;
                }
                if (v > hi) {
                    v = 2 * hi - v;
                }
                if (v < lo) {
                    v = lo;
                }
            } else {
                final long pos = i % stepsPerDay;
                final long shape = 200 + (800L * (half - Math.abs(pos - half))) / half;
                v += ((long) (rng.random() * metric.max()) * shape / 1000) * hostPermille / 1000;
            }
            i++;
            return out;
        }

        /** The next value as a double (hundredths scaled to units for gauges). */
        public double nextValue() {
            final long raw = next();
            return metric.gauge() ? raw / 100.0 : raw;
        }
    }

    private final class TimeOrderSource implements SampleSource {
        private final SeriesValues[] gens = new SeriesValues[catalog.size()];
        private int step;
        private int series;

        TimeOrderSource() {
            for (int id = 0; id < gens.length; id++) {
                gens[id] = values(id);
            }
        }

        @Override
        public SeriesCatalog catalog() {
            return catalog;
        }

        @Override
        public long totalSamples() {
            return PeersDataSet.this.totalSamples();
        }

        @Override
        public int fill(final SampleBatch batch, final int max, final long nowMs) {
            int added = 0;
            while (added < max && step < steps) {
                batch.add(series, startMs + step * stepMs, gens[series].nextValue());
                added++;
                if (++series == gens.length) {
                    series = 0;
                    step++;
                }
            }
            return added;
        }
    }
}
