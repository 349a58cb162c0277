package io.metricstream.loadgen.scenario;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.metricstream.loadgen.generate.SyntheticSpec;
import io.metricstream.loadgen.generate.ValueShape;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Reads scenario YAML into a validated {@link RunPlan}. Problems come back as values: syntax errors, unknown
 * keys and wrong types as {@code file:line: reason}; semantic problems as {@code file: field: reason}, all of
 * them collected. Scenarios live in a directory ({@code loadgen/scenarios}) or, when it is absent, in the jar
 * ({@code scenarios/index.txt} lists them).
 */
public final class ScenarioLoader {
    /** Hard upper bound of one stage: every run stops by itself. */
    public static final long MAX_STAGE_NANOS = 3600L * 1_000_000_000L;
    /** Default directory, relative to the repository root. */
    public static final String DEFAULT_DIR = "loadgen/scenarios";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
        .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /** A plan or the problems that prevented one. */
    public record Loaded(RunPlan plan, List<String> problems) {
        /** Whether loading succeeded. */
        public boolean ok() {
            return plan != null;
        }
    }

    private ScenarioLoader() {
    }

    /** Parses {@code yaml}; {@code file} names it in messages. */
    public static Loaded parse(final String file, final String yaml) {
        final Scenario s;
        try {
            s = YAML.readValue(yaml, Scenario.class);
        } catch (JsonProcessingException e) {
            final JsonLocation at = e.getLocation();
            final String where = at == null || at.getLineNr() < 1 ? file : file + ":" + at.getLineNr();
            return new Loaded(null, List.of(where + ": " + e.getOriginalMessage().replace('\n', ' ')));
        }
        if (s == null) {
            return new Loaded(null, List.of(file + ":1: empty scenario"));
        }
        return validate(file, s);
    }

    /** Reads and parses a file. */
    public static Loaded load(final Path path) throws IOException {
        return parse(path.toString(), Files.readString(path, StandardCharsets.UTF_8));
    }

    /** Finds {@code nameOrPath}: an existing file, else {@code <dir>/<name>.yml}, else the jar's copy. */
    public static Loaded find(final String nameOrPath, final Path dir) throws IOException {
        final Path direct = Path.of(nameOrPath);
        if (Files.isRegularFile(direct)) {
            return load(direct);
        }
        final Path inDir = dir.resolve(nameOrPath + ".yml");
        if (Files.isRegularFile(inDir)) {
            return load(inDir);
        }
        try (InputStream in = ScenarioLoader.class.getResourceAsStream("/scenarios/" + nameOrPath + ".yml")) {
            if (in == null) {
                return new Loaded(null, List.of("no scenario named \"" + nameOrPath + "\" (looked in " + dir
                    + " and the built-in ones; --list shows them)"));
            }
            return parse("scenarios/" + nameOrPath + ".yml", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /** Names of the scenarios in {@code dir}, or the built-in ones when it does not exist. */
    public static List<String> list(final Path dir) throws IOException {
        final List<String> names = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yml")).sorted()
                    .forEach(n -> names.add(n.substring(0, n.length() - 4)));
            }
            return names;
        }
        try (InputStream in = ScenarioLoader.class.getResourceAsStream("/scenarios/index.txt")) {
            if (in != null) {
                for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                    if (!line.isBlank()) {
                        names.add(line.trim());
                    }
                }
            }
        }
        return names;
    }

    /** Validates an already-built scenario (the CLI builds one from its flags). */
    public static Loaded validate(final String file, final Scenario s) {
        final List<String> problems = new ArrayList<>();
        if (s.name() == null || s.name().isBlank()) {
            problems.add(file + ": name: missing");
        }
        final Scenario.Target target = s.target() == null ? new Scenario.Target(null, null) : s.target();
        final String url = target.url() == null ? "http://127.0.0.1:8080" : target.url();
        final String format = target.format() == null ? (url.startsWith("queue:") ? "queue" : "lp")
            : target.format().toLowerCase(Locale.ROOT);
        if (!List.of("json", "lp", "remote-write", "prom", "queue").contains(format)) {
            problems.add(file + ": target.format: got \"" + format + "\"; want json, lp, remote-write, prom or queue");
        }
        final Scenario.Source src = s.source() == null
            ? new Scenario.Source(null, null, null, null, null, null, null, null, null, null) : s.source();
        SyntheticSpec synthetic = null;
        RunPlan.PeersSpec peers = null;
        final String kind = src.kind() == null ? "synthetic" : src.kind();
        final int hosts = src.hosts() == null ? (kind.equals("peers") ? 100 : 50) : src.hosts();
        if (hosts < 1) {
            problems.add(file + ": source.hosts: got " + hosts + "; want >= 1");
        }
        if (kind.equals("peers")) {
            final double hours = src.hours() == null ? 24.0 : src.hours();
            if (!(hours > 0)) {
                problems.add(file + ": source.hours: got " + hours + "; want > 0");
            }
            peers = new RunPlan.PeersSpec(src.seed() == null ? "42" : Long.toString(src.seed()), hosts, hours);
        } else if (kind.equals("synthetic")) {
            synthetic = synthetic(file, src, hosts, problems);
        } else {
            problems.add(file + ": source.kind: got \"" + kind + "\"; want synthetic or peers");
        }
        final List<RunPlan.StagePlan> stages = new ArrayList<>();
        if (s.stages() == null || s.stages().isEmpty()) {
            problems.add(file + ": stages: missing; want at least one stage");
        } else {
            for (int i = 0; i < s.stages().size(); i++) {
                final RunPlan.StagePlan st = stage(file, i, s.stages().get(i), problems);
                if (st != null) {
                    stages.add(st);
                }
            }
        }
        if (!problems.isEmpty()) {
            return new Loaded(null, List.copyOf(problems));
        }
        return new Loaded(new RunPlan(s.name(), s.description(), url, format, synthetic, peers, List.copyOf(stages)),
            List.of());
    }

    private static SyntheticSpec synthetic(final String file, final Scenario.Source src, final int hosts,
                                           final List<String> problems) {
        final List<String> metrics = new ArrayList<>();
        if (src.metrics() != null && !src.metrics().isEmpty()) {
            metrics.addAll(src.metrics());
        } else {
            final int n = src.metricsPerHost() == null ? 10 : src.metricsPerHost();
            if (n < 1) {
                problems.add(file + ": source.metrics_per_host: got " + n + "; want >= 1");
            }
            for (int i = 0; i < n; i++) {
                metrics.add(String.format(Locale.ROOT, "loadgen_metric_%02d", i));
            }
        }
        final List<ValueShape> shapes = new ArrayList<>();
        for (String sh : src.shapes() == null ? List.of("random-walk") : src.shapes()) {
            final ValueShape shape = ValueShape.parse(sh);
            if (shape == null) {
                problems.add(file + ": source.shapes: got \"" + sh + "\"; want random-walk, counter, sine, spikes "
                    + "or gaps");
            } else {
                shapes.add(shape);
            }
        }
        final int card = src.labelCardinality() == null ? 1 : src.labelCardinality();
        if (card < 1) {
            problems.add(file + ": source.label_cardinality: got " + card + "; want >= 1");
        }
        SyntheticSpec.Canary canary = null;
        if (src.canary() != null) {
            final double fraction = src.canary().hostFraction() == null ? 0.1 : src.canary().hostFraction();
            final long after = src.canary().after() == null ? 0 : Durations.parseNanos(src.canary().after());
            if (!(fraction > 0 && fraction <= 1)) {
                problems.add(file + ": source.canary.host_fraction: got " + fraction + "; want (0, 1]");
            }
            if (after < 0) {
                problems.add(file + ": source.canary.after: got \"" + src.canary().after() + "\"; want e.g. 10s");
            }
            canary = new SyntheticSpec.Canary(fraction, after / 1_000_000,
                src.canary().badValue() == null ? 99.0 : src.canary().badValue());
        }
        if (shapes.isEmpty() || metrics.isEmpty() || card < 1 || hosts < 1) {
            return null;
        }
        final SyntheticSpec spec = new SyntheticSpec(hosts, List.copyOf(metrics), List.copyOf(shapes), card,
            src.cardinalityLabel() == null ? "shard" : src.cardinalityLabel(), src.seed() == null ? 1 : src.seed(),
            canary);
        if (spec.seriesCount() > 5_000_000) {
            problems.add(file + ": source: " + spec.seriesCount() + " series; want <= 5,000,000");
        }
        return spec;
    }

    private static RunPlan.StagePlan stage(final String file, final int i, final Scenario.Stage st,
                                           final List<String> problems) {
        final String where = file + ": stages[" + i + "]";
        final String mode = st.mode() == null ? (st.rate() == null ? "closed" : "open") : st.mode();
        final int conns = st.connections() == null ? 1 : st.connections();
        final int batch = st.batch() == null ? 1000 : st.batch();
        final long duration = st.duration() == null ? 10_000_000_000L : Durations.parseNanos(st.duration());
        final int before = problems.size();
        if (!mode.equals("open") && !mode.equals("closed")) {
            problems.add(where + ".mode: got \"" + mode + "\"; want open or closed");
        }
        if (mode.equals("open") && (st.rate() == null || !(st.rate() > 0))) {
            problems.add(where + ".rate: got " + st.rate() + "; want > 0 samples/s in open loop");
        }
        if (conns < 1 || conns > 10_000) {
            problems.add(where + ".connections: got " + conns + "; want 1..10000");
        }
        if (batch < 1 || batch > 1_000_000) {
            problems.add(where + ".batch: got " + batch + "; want 1..1000000");
        }
        if (duration <= 0 || duration > MAX_STAGE_NANOS) {
            problems.add(where + ".duration: got \"" + st.duration() + "\"; want a duration up to 1h, e.g. 30s");
        }
        if (st.requestsPerConnection() != null && st.requestsPerConnection() < 1) {
            problems.add(where + ".requests_per_connection: got " + st.requestsPerConnection() + "; want >= 1");
        }
        if (problems.size() > before) {
            return null;
        }
        return new RunPlan.StagePlan(st.name() == null ? "stage" + i : st.name(), mode.equals("open"),
            st.rate() == null ? 0 : st.rate(), conns, batch, duration,
            st.requestsPerConnection() == null ? Long.MAX_VALUE : st.requestsPerConnection());
    }
}
