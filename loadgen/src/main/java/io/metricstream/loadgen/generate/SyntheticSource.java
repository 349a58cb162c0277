package io.metricstream.loadgen.generate;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.model.MetricNames;
import java.util.Locale;

/**
 * A live, unbounded source: rounds over every series of a {@link SyntheticSpec}, one sample per series per
 * round, timestamps from the wall clock and strictly increasing per series (a round that starts within the
 * same millisecond as the previous one takes the next millisecond). Single consumer.
 */
public final class SyntheticSource implements SampleSource {
    /** Regions assigned round-robin to hosts, as in the peers data set. */
    static final String[] REGIONS = {"us-east", "us-west", "eu-west", "ap-south"};
    /** Jobs assigned to hosts, as in the peers data set. */
    static final String[] JOBS = {"api", "db", "cache", "worker"};

    private final SyntheticSpec spec;
    private final SeriesCatalog catalog;
    private final ValueShape[] shapeById;
    private final int[] hostById;
    private final double[] last;
    private final long[] rng;
    private final int badHosts;
    private long round = -1;
    private long roundTimestampMs = Long.MIN_VALUE;
    private long firstTimestampMs = Long.MIN_VALUE;
    private int position;

    /** Builds the catalog (one label set per series) and the initial values. */
    public SyntheticSource(final SyntheticSpec spec) {
        if (spec.seriesCount() > Integer.MAX_VALUE / 2 || spec.seriesCount() < 1) {
            throw new IllegalArgumentException("series count out of range: got " + spec.seriesCount()
                + "; want 1.." + Integer.MAX_VALUE / 2);
        }
        for (String m : spec.metrics()) {
            if (!MetricNames.isValidMetricName(m)) {
                throw new IllegalArgumentException("invalid metric name: got \"" + m + "\"");
            }
        }
        this.spec = spec;
        final int n = (int) spec.seriesCount();
        this.shapeById = new ValueShape[n];
        this.hostById = new int[n];
        this.last = new double[n];
        this.rng = new long[n];
        this.badHosts = spec.canary() == null ? 0 : spec.canary().badHosts(spec.hosts());
        final SeriesCatalog.Builder b = SeriesCatalog.builder();
        final int width = Math.max(2, Integer.toString(spec.hosts() - 1).length());
        final String hostFormat = "h%0" + width + "d";
        for (int h = 0; h < spec.hosts(); h++) {
            final String host = String.format(Locale.ROOT, hostFormat, h);
            for (int m = 0; m < spec.metrics().size(); m++) {
                final ValueShape shape = spec.shapes().get(m % spec.shapes().size());
                for (int c = 0; c < spec.labelCardinality(); c++) {
                    final LabelSet.Builder labels = LabelSet.builder()
                        .add(MetricNames.METRIC_NAME_LABEL, spec.metrics().get(m))
                        .add("host", host)
                        .add("region", REGIONS[h % REGIONS.length])
                        .add("job", JOBS[(h / REGIONS.length) % JOBS.length]);
                    if (spec.labelCardinality() > 1) {
                        labels.add(spec.cardinalityLabel(), Integer.toString(c));
                    }
                    final int id = b.add(labels.build(), shape.style());
                    shapeById[id] = shape;
                    hostById[id] = h;
                    last[id] = shape.initial(spec.seed(), id, rng);
                }
            }
        }
        this.catalog = b.build();
    }

    @Override
    public SeriesCatalog catalog() {
        return catalog;
    }

    @Override
    public long totalSamples() {
        return -1;
    }

    /** Number of hosts that turn bad (canary), 0 without a canary. */
    public int badHosts() {
        return badHosts;
    }

    /** Host names of the hosts that turn bad (canary), in order. */
    public java.util.List<String> canaryHosts() {
        final java.util.List<String> hosts = new java.util.ArrayList<>();
        for (int id = 0; id < hostById.length; id++) {
            final String host = catalog.labels(id).get("host");
            if (hostById[id] < badHosts && !hosts.contains(host)) {
                hosts.add(host);
            }
        }
        return hosts;
    }

    /** Wall-clock ms at which canary hosts turn bad, or {@code Long.MIN_VALUE} before the first sample. */
    public long canaryStartMs() {
        return firstTimestampMs == Long.MIN_VALUE || spec.canary() == null ? Long.MIN_VALUE
            : firstTimestampMs + spec.canary().afterMs();
    }

    /** Whether series {@code id} belongs to a host that turns bad. */
    public boolean isCanarySeries(final int id) {
        return hostById[id] < badHosts;
    }

    @Override
    public int fill(final SampleBatch batch, final int max, final long nowMs) {
        int added = 0;
        final int n = last.length;
        while (added < max) {
            if (round < 0 || position == n) {
                round++;
                position = 0;
                roundTimestampMs = Math.max(nowMs, roundTimestampMs + 1);
                if (firstTimestampMs == Long.MIN_VALUE) {
                    firstTimestampMs = roundTimestampMs;
                }
            }
            final int id = position++;
            final double v = round == 0 ? last[id] : shapeById[id].next(last[id], round, id, rng);
            if (Double.isNaN(v)) {
                continue;
            }
            last[id] = v;
            final boolean bad = hostById[id] < badHosts
                && roundTimestampMs - firstTimestampMs >= spec.canary().afterMs();
            batch.add(id, roundTimestampMs, bad ? spec.canary().badValue() : v);
            added++;
        }
        return added;
    }
}
