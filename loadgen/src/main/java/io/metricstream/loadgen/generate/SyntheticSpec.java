package io.metricstream.loadgen.generate;

import java.util.List;

/**
 * What a synthetic run looks like: {@code hosts × metrics × labelCardinality} series.
 *
 * @param hosts number of hosts (label {@code host}, plus {@code region} and {@code job} derived from it)
 * @param metrics metric names, one series per host (and per cardinality value) each
 * @param shapes value shapes, cycled over the metrics
 * @param labelCardinality values of the extra label {@code cardinalityLabel} per host and metric (1 = no label)
 * @param cardinalityLabel name of the extra label
 * @param seed run seed; equal seeds give equal values
 * @param canary hosts that turn bad during the run, or {@code null}
 */
public record SyntheticSpec(int hosts, List<String> metrics, List<ValueShape> shapes, int labelCardinality,
                            String cardinalityLabel, long seed, Canary canary) {

    /**
     * Hosts that turn bad: from {@code afterMs} into the run, every series of the first
     * {@code ceil(hostFraction × hosts)} hosts reports {@code badValue}.
     *
     * @param hostFraction share of hosts that turn bad, in (0, 1]
     * @param afterMs delay from the run's first sample
     * @param badValue the value bad hosts report
     */
    public record Canary(double hostFraction, long afterMs, double badValue) {
        /** Number of bad hosts among {@code hosts}. */
        public int badHosts(final int hosts) {
            return (int) Math.min(hosts, Math.ceil(hostFraction * hosts));
        }
    }

    /** Total series. */
    public long seriesCount() {
        return (long) hosts * metrics.size() * labelCardinality;
    }
}
