package io.metricstream.loadgen.scenario;

import java.util.List;

/**
 * A load recipe, as read from {@code scenarios/*.yml} (snake_case keys). Every field but {@code name} and
 * {@code stages} has a default; {@link ScenarioLoader} validates the whole and turns it into a {@link RunPlan}.
 *
 * @param name scenario name
 * @param description one line for {@code --list}
 * @param target where to send
 * @param source what to send
 * @param stages what to do, in order
 */
public record Scenario(String name, String description, Target target, Source source, List<Stage> stages) {

    /**
     * @param url {@code http://127.0.0.1:PORT[/path][?query]} or {@code queue://127.0.0.1:7070[/topic]}
     * @param format json | lp | remote-write | prom (ignored for queue)
     */
    public record Target(String url, String format) {
    }

    /**
     * @param kind {@code synthetic} or {@code peers} (the peers data set of gen.py)
     * @param hosts hosts (synthetic) or gen.py {@code --hosts} (peers)
     * @param metrics metric names (synthetic)
     * @param metricsPerHost number of generated metric names {@code loadgen_metric_NN} when {@code metrics} is empty
     * @param shapes value shapes cycled over the metrics: random-walk, counter, sine, spikes, gaps
     * @param labelCardinality values of the extra label per host and metric
     * @param cardinalityLabel name of the extra label
     * @param seed run seed
     * @param hours gen.py {@code --hours} (peers)
     * @param canary hosts that turn bad, or null
     */
    public record Source(String kind, Integer hosts, List<String> metrics, Integer metricsPerHost, List<String> shapes,
                         Integer labelCardinality, String cardinalityLabel, Long seed, Double hours, Canary canary) {
    }

    /**
     * @param hostFraction share of hosts that turn bad
     * @param after delay into the run, e.g. {@code 10s}
     * @param badValue the value they report
     */
    public record Canary(Double hostFraction, String after, Double badValue) {
    }

    /**
     * @param name stage name
     * @param mode {@code open} (constant rate) or {@code closed} (max throughput)
     * @param rate samples per second (open loop)
     * @param connections concurrent connections
     * @param batch samples per request
     * @param duration upper bound of the stage, e.g. {@code 30s}
     * @param requestsPerConnection closed loop: stop each connection after this many requests
     */
    public record Stage(String name, String mode, Double rate, Integer connections, Integer batch, String duration,
                        Long requestsPerConnection) {
    }
}
