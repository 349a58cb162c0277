package io.metricstream.loadgen.scenario;

import io.metricstream.loadgen.generate.PeersDataSet;
import io.metricstream.loadgen.generate.SyntheticSpec;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * A validated, fully resolved run: the target, the source and the stages with every default filled in.
 *
 * @param name scenario name (or "adhoc")
 * @param description one line
 * @param targetUrl target URL
 * @param format payload format name (json | lp | remote-write | prom | queue)
 * @param synthetic synthetic source, or {@code null} for the peers data set
 * @param peers peers data set parameters, or {@code null}
 * @param stages stages in order
 */
public record RunPlan(String name, String description, String targetUrl, String format, SyntheticSpec synthetic,
                      PeersSpec peers, List<StagePlan> stages) {

    /**
     * gen.py parameters.
     *
     * @param seed gen.py seed
     * @param hosts gen.py hosts
     * @param hours gen.py hours
     * @param hostPrefix prefix of the host label values (gen.py: "h")
     * @param startMs first timestamp (gen.py --start; default 2024-01-01T00:00:00Z)
     */
    public record PeersSpec(String seed, int hosts, double hours, String hostPrefix, long startMs) {
        /** gen.py's own host names ("h00", "h01", ...) from gen.py's default start. */
        public PeersSpec(final String seed, final int hosts, final double hours) {
            this(seed, hosts, hours, PeersDataSet.GEN_PY_HOST_PREFIX, PeersDataSet.DEFAULT_START_MS);
        }
    }

    /**
     * One resolved stage.
     *
     * @param name stage name
     * @param open open loop (constant rate) or closed loop
     * @param rateSamplesPerSecond open loop rate
     * @param connections connections
     * @param batch samples per request
     * @param durationNanos upper bound
     * @param requestsPerConnection closed loop limit per connection ({@code Long.MAX_VALUE} = none)
     */
    public record StagePlan(String name, boolean open, double rateSamplesPerSecond, int connections, int batch,
                            long durationNanos, long requestsPerConnection) {
        /** Requests per second in open loop. */
        public double requestsPerSecond() {
            return rateSamplesPerSecond / batch;
        }
    }

    /** Series the source has. */
    public long seriesCount() {
        return synthetic != null ? synthetic.seriesCount() : 10L * peers.hosts();
    }

    /** What {@code --dry-run} prints: target, source, and per stage its rate, connections, batch and bound. */
    public String describe() {
        final StringBuilder sb = new StringBuilder();
        sb.append("scenario ").append(name).append(": ").append(description == null ? "" : description).append('\n');
        sb.append("  target  ").append(format).append(' ').append(targetUrl).append('\n');
        if (synthetic != null) {
            sb.append(String.format(Locale.ROOT, "  source  synthetic: %d hosts x %d metrics x %d %s = %,d series, "
                    + "shapes %s, seed %d%n", synthetic.hosts(), synthetic.metrics().size(),
                synthetic.labelCardinality(), synthetic.labelCardinality() > 1 ? synthetic.cardinalityLabel()
                    : "(no extra label)", synthetic.seriesCount(), synthetic.shapes(), synthetic.seed()));
            if (synthetic.canary() != null) {
                sb.append(String.format(Locale.ROOT, "  canary  %d of %d hosts report %s from %.1f s into the run%n",
                    synthetic.canary().badHosts(synthetic.hosts()), synthetic.hosts(), synthetic.canary().badValue(),
                    synthetic.canary().afterMs() / 1000.0));
            }
        } else {
            sb.append(String.format(Locale.ROOT, "  source  peers data set (gen.py --seed %s --hosts %d --hours %s "
                + "--start %s, hosts %s*): %,d series, %,d samples%n", peers.seed(), peers.hosts(), peers.hours(),
                Instant.ofEpochMilli(peers.startMs()), peers.hostPrefix(), 10L * peers.hosts(),
                (long) (10L * peers.hosts() * Math.rint(peers.hours() * 240))));
        }
        for (StagePlan s : stages) {
            if (s.open()) {
                sb.append(String.format(Locale.ROOT, "  stage   %-10s open loop %,.0f samples/s (%,.1f requests/s), "
                        + "%d conn, %d samples/request, %.1f s%n", s.name(), s.rateSamplesPerSecond(),
                    s.requestsPerSecond(), s.connections(), s.batch(), s.durationNanos() / 1e9));
            } else {
                sb.append(String.format(Locale.ROOT, "  stage   %-10s closed loop, %d conn, %d samples/request, "
                        + "%s, at most %.1f s%n", s.name(), s.connections(), s.batch(),
                    s.requestsPerConnection() == Long.MAX_VALUE ? "until the source ends"
                        : s.requestsPerConnection() + " requests/conn", s.durationNanos() / 1e9));
            }
        }
        return sb.toString();
    }
}
