package io.metricstream.loadgen;

import io.metricstream.loadgen.drive.HttpTarget;
import io.metricstream.loadgen.encode.BodyEncoder;
import io.metricstream.loadgen.encode.LineProtocolEncoder;
import io.metricstream.loadgen.encode.PromTextEncoder;
import io.metricstream.loadgen.encode.SeedJsonEncoder;
import io.metricstream.loadgen.generate.PeersDataSet;
import io.metricstream.loadgen.generate.SampleBatch;
import io.metricstream.loadgen.generate.SampleSource;
import io.metricstream.loadgen.report.HtmlReport;
import io.metricstream.loadgen.report.JsonReport;
import io.metricstream.loadgen.report.TextReport;
import io.metricstream.loadgen.scenario.Durations;
import io.metricstream.loadgen.scenario.RunPlan;
import io.metricstream.loadgen.scenario.Scenario;
import io.metricstream.loadgen.scenario.ScenarioLoader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code metricstream loadgen}: scenario-driven load against any ingestion endpoint (ours or a peer's), with
 * open-loop latency corrected for coordinated omission, reports as text, JSON and HTML, and an end-to-end
 * verifier. {@code loadgen dataset} writes the peers data set exactly as {@code gen.py} does.
 */
@Command(name = "loadgen", mixinStandardHelpOptions = true, sortOptions = false,
    subcommands = LoadgenCli.DatasetCommand.class,
    description = {"Send load to an ingestion endpoint (127.0.0.1 only unless --allow-remote) and report.",
        "'loadgen verify [options]' is 'loadgen --verify [options]': after the run, read every acknowledged sample "
            + "back and report lost, duplicated and unexpected samples (exit 1 when any)."})
public final class LoadgenCli implements Callable<Integer> {
    private PrintStream out = System.out;
    private PrintStream err = System.err;

    @Option(names = "--list", description = "List the scenarios and exit.")
    boolean list;
    @Option(names = "--scenario", description = "Scenario name (see --list) or YAML file.")
    String scenario;
    @Option(names = "--scenarios-dir", description = "Scenario directory (default: ${DEFAULT-VALUE}).",
        defaultValue = ScenarioLoader.DEFAULT_DIR)
    Path scenariosDir;
    @Option(names = "--dry-run", description = "Print targets, rates, series and durations; send nothing.")
    boolean dryRun;
    @Option(names = "--target", description = "http://127.0.0.1:PORT[/path][?query] or "
        + "queue://127.0.0.1:7070[/topic] (default http://127.0.0.1:8080; a scenario's own target otherwise).")
    String target;
    @Option(names = "--format", description = "json | lp | remote-write | prom | queue (default lp).")
    String format;
    @Option(names = "--rate", description = "Open loop: samples per second (omit for closed loop, max throughput).")
    Double rate;
    @Option(names = {"--connections", "-c"}, description = "Concurrent connections (default 1).")
    Integer connections;
    @Option(names = "--batch", description = "Samples per request (default 1000).")
    Integer batch;
    @Option(names = {"--duration", "-d"}, description = "Upper bound of the run, e.g. 30s (default 10s, max 1h).")
    String duration;
    @Option(names = "--requests", description = "Closed loop: requests per connection, then stop.")
    Long requestsPerConnection;
    @Option(names = "--hosts", description = "Synthetic hosts (default 50), or gen.py --hosts with --dataset peers.")
    Integer hosts;
    @Option(names = "--metrics", description = "Metrics per host (default 10).")
    Integer metrics;
    @Option(names = "--label-cardinality", description = "Values of an extra label per host and metric (default 1).")
    Integer labelCardinality;
    @Option(names = "--shapes", split = ",", description = "random-walk,counter,sine,spikes,gaps (cycled).")
    List<String> shapes;
    @Option(names = "--seed", description = "Seed (synthetic: number; default 1).")
    Long seed;
    @Option(names = "--dataset", description = "'peers': replay the gen.py data set instead of synthetic series.")
    String dataset;
    @Option(names = "--hours", description = "With --dataset peers: gen.py --hours (default 24).")
    Double hours;
    @Option(names = "--host-prefix", description = "With --dataset peers: host label prefix (default gen.py's 'h'); "
        + "another prefix sends disjoint series, e.g. a benchmark's warm-up pass.")
    String hostPrefix;
    @Option(names = "--start", description = "With --dataset peers: gen.py --start, ISO UTC or epoch s/ms "
        + "(default 2024-01-01T00:00:00Z).")
    String start;
    @Option(names = "--precision", description = "Line protocol timestamp unit ns|us|ms|s (default ms).",
        defaultValue = "ms")
    String precision;
    @Option(names = "--timeout", description = "Per-request timeout (default 30s).", defaultValue = "30s")
    String timeout;
    @Option(names = "--preencode", description = "Encode the requests of a replayed data set (--dataset peers) "
        + "before the clock starts, up to this many MB (default 0: encode while sending).", defaultValue = "0")
    long preencodeMb;
    @Option(names = "--progress", description = "Print a progress line every second (default: when stderr is a tty).")
    boolean progress;
    @Option(names = "--json", description = "Write the report as JSON to this file.")
    Path json;
    @Option(names = "--html", description = "Write the report as HTML (with latency plots) to this file.")
    Path html;
    @Option(names = "--allow-remote", description = "Allow targets other than 127.0.0.1/localhost.")
    boolean allowRemote;
    @Option(names = "--verify", description = "After the run, read every acknowledged sample back.")
    boolean verify;
    @Option(names = "--query-url", description = "Query service for --verify (default http://127.0.0.1:9090).",
        defaultValue = "http://127.0.0.1:9090")
    String queryUrl;
    @Option(names = "--verify-timeout", description = "How long to keep re-reading (default 60s).",
        defaultValue = "60s")
    String verifyTimeout;
    @Option(names = "--alerts-url", description = "With a canary scenario: alert service to check that exactly the "
        + "canary hosts fire (e.g. http://127.0.0.1:9093).")
    String alertsUrl;
    @Option(names = "--alert-name", description = "Only alerts with this alertname count (default: any).")
    String alertName;
    @Option(names = "--alert-wait", description = "How long to wait for the canary alerts (default 60s).",
        defaultValue = "60s")
    String alertWait;
    @Option(names = "--verify-tolerance", description = "Relative tolerance when comparing values (default 0: bit "
        + "for bit; e.g. 1e-9 for VictoriaMetrics, which keeps ~12 significant digits).", defaultValue = "0")
    double verifyTolerance;
    @Option(names = "--verify-metric-suffix", description = "Suffix the platform adds to metric names "
        + "(default: _value for line protocol, none otherwise).")
    String verifyMetricSuffix;

    /** Runs the CLI with the given streams; returns the exit code (0 ok, 1 failed run or verify, 2 bad usage). */
    public static int run(final String[] args, final PrintStream out, final PrintStream err) {
        if (args.length > 0 && args[0].equals("verify")) {
            final String[] rest = Arrays.copyOfRange(args, 1, args.length + 1);
            rest[args.length - 1] = "--verify";
            return run(rest, out, err);
        }
        final LoadgenCli cli = new LoadgenCli();
        cli.out = out;
        cli.err = err;
        final CommandLine cmd = new CommandLine(cli).setOverwrittenOptionsAllowed(true);
        cmd.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cmd.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        return cmd.execute(args);
    }

    /** Entry point. */
    public static void main(final String[] args) {
        // Logs go to stdout, which carries data here (dataset, reports): keep only warnings.
        io.metricstream.runtime.logging.LogProfiles.apply("test", "warn");
        System.exit(run(args, System.out, System.err));
    }

    @Override
    public Integer call() throws Exception {
        if (list) {
            for (String name : ScenarioLoader.list(scenariosDir)) {
                final ScenarioLoader.Loaded l = ScenarioLoader.find(name, scenariosDir);
                out.println(String.format(Locale.ROOT, "%-18s %s", name, l.ok()
                    ? nullToEmpty(l.plan().description()) : "INVALID: " + String.join("; ", l.problems())));
            }
            return 0;
        }
        final ScenarioLoader.Loaded loaded = scenario != null ? ScenarioLoader.find(scenario, scenariosDir)
            : ScenarioLoader.validate("command line", adhoc());
        if (!loaded.ok()) {
            loaded.problems().forEach(err::println);
            return 2;
        }
        RunPlan plan = loaded.plan();
        if ((hostPrefix != null || start != null) && plan.peers() == null) {
            err.println("--host-prefix and --start: want a peers data set source (--dataset peers)");
            return 2;
        }
        if (hostPrefix != null && hostPrefix.isEmpty()) {
            err.println("--host-prefix: want a non-empty prefix");
            return 2;
        }
        final long startMs;
        try {
            startMs = start == null ? PeersDataSet.DEFAULT_START_MS : PeersDataSet.parseStart(start);
        } catch (DateTimeParseException | NumberFormatException e) {
            err.println("--start: got \"" + start + "\"; want ISO UTC like 2024-01-01T00:00:00Z or epoch s/ms");
            return 2;
        }
        if (target != null || format != null || hostPrefix != null || start != null) {
            final RunPlan.PeersSpec peers = hostPrefix == null && start == null ? plan.peers()
                : new RunPlan.PeersSpec(plan.peers().seed(), plan.peers().hosts(), plan.peers().hours(),
                    hostPrefix != null ? hostPrefix : plan.peers().hostPrefix(), startMs);
            plan = new RunPlan(plan.name(), plan.description(), target != null ? target : plan.targetUrl(),
                format != null ? format.toLowerCase(Locale.ROOT) : plan.format(), plan.synthetic(), peers,
                plan.stages());
        }
        if (dryRun) {
            out.print(plan.describe());
            return 0;
        }
        return execute(plan);
    }

    private int execute(final RunPlan plan) throws IOException, InterruptedException {
        final LineProtocolEncoder.Precision p = parsePrecision(precision);
        final long timeoutNanos = Durations.parseNanos(timeout);
        final long verifyNanos = Durations.parseNanos(verifyTimeout);
        if (p == null || timeoutNanos <= 0 || verifyNanos < 0) {
            err.println("bad --precision, --timeout or --verify-timeout: got " + precision + ", " + timeout + ", "
                + verifyTimeout);
            return 2;
        }
        final boolean showProgress = progress || err == System.err && interactive();
        final LoadRun.Settings settings = new LoadRun.Settings(allowRemote, showProgress, timeoutNanos / 1_000_000,
            p, verify ? queryUrl : null, Duration.ofNanos(verifyNanos), verifyMetricSuffix,
            Math.min(timeoutNanos, 30_000_000_000L), preencodeMb << 20, alertsUrl, alertName,
            Duration.ofNanos(Math.max(0, Durations.parseNanos(alertWait))), verifyTolerance);
        if (alertsUrl != null && HttpTarget.parse(alertsUrl, null, allowRemote) instanceof String problem) {
            err.println(problem);
            return 2;
        }
        if (verify) {
            final Object q = HttpTarget.parse(queryUrl, null, allowRemote);
            if (q instanceof String problem) {
                err.println(problem);
                return 2;
            }
        }
        final LoadRun.Result result = LoadRun.execute(plan, settings, err);
        if (result.error() != null) {
            err.println(result.error());
            return 2;
        }
        final String title = "loadgen " + plan.name();
        TextReport.write(title, result.stages(), result.verify(), out);
        if (result.alerts() != null) {
            out.println(result.alerts().summary());
        }
        if (json != null) {
            JsonReport.write(json, title, result.stages(), result.verify(), result.alerts());
        }
        if (html != null) {
            HtmlReport.write(html, title, result.stages(), result.verify());
        }
        final boolean failed = result.verify() != null && !result.verify().ok()
            || result.alerts() != null && !result.alerts().ok();
        return failed ? 1 : 0;
    }

    /** The scenario the flags describe. */
    Scenario adhoc() {
        final boolean peers = "peers".equals(dataset);
        final Scenario.Source source = new Scenario.Source(peers ? "peers" : dataset == null ? "synthetic" : dataset,
            hosts, null, metrics, shapes, labelCardinality, null, seed, hours, null);
        final Scenario.Stage stage = new Scenario.Stage("main", rate == null ? "closed" : "open", rate, connections,
            batch, duration == null ? (peers ? "1h" : "10s") : duration, requestsPerConnection);
        return new Scenario("adhoc", "from the command line", new Scenario.Target(
            target == null ? "http://127.0.0.1:8080" : target, format), source, List.of(stage));
    }

    /**
     * Whether the process runs on a terminal. {@code System.console()} alone is not enough on JDK 22+, where it
     * also exists when redirected; {@code Console.isTerminal()} (JDK 22) is called reflectively since the build
     * targets 21.
     */
    static boolean interactive() {
        final java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    static LineProtocolEncoder.Precision parsePrecision(final String text) {
        return Arrays.stream(LineProtocolEncoder.Precision.values())
            .filter(v -> v.queryValue().equals(text)).findFirst().orElse(null);
    }

    private static String nullToEmpty(final String s) {
        return s == null ? "" : s;
    }

    /** {@code loadgen dataset}: the peers data set, byte for byte as gen.py writes it (time order). */
    @Command(name = "dataset", mixinStandardHelpOptions = true,
        description = "Write the peers data set exactly as shared/peers/gen.py does (time order).")
    static final class DatasetCommand implements Callable<Integer> {
        @CommandLine.ParentCommand
        LoadgenCli parent;
        @Option(names = "--format", defaultValue = "lp", description = "lp | prom | jsonl")
        String format;
        @Option(names = "--precision", defaultValue = "ms", description = "lp timestamp unit ns|us|ms|s")
        String precision;
        @Option(names = "--hosts", defaultValue = "100")
        int hosts;
        @Option(names = "--hours", defaultValue = "24")
        double hours;
        @Option(names = "--step", defaultValue = "15", description = "seconds between samples")
        int step;
        @Option(names = "--start", defaultValue = "2024-01-01T00:00:00Z")
        String start;
        @Option(names = "--seed", defaultValue = "42")
        String seed;
        @Option(names = "--out", defaultValue = "-", description = "file, or - for stdout")
        String outFile;

        @Override
        public Integer call() throws IOException {
            final PeersDataSet set = new PeersDataSet(seed, hosts, hours, step, PeersDataSet.parseStart(start));
            final LineProtocolEncoder.Precision p = parsePrecision(precision);
            final BodyEncoder encoder = switch (format) {
                case "lp" -> p == null ? null : new LineProtocolEncoder(set.catalog(), p);
                case "prom" -> new PromTextEncoder(set.catalog());
                case "jsonl" -> new SeedJsonEncoder(set.catalog(), true);
                default -> null;
            };
            if (encoder == null) {
                parent.err.println("bad --format or --precision: got " + format + ", " + precision
                    + "; want lp|prom|jsonl and ns|us|ms|s");
                return 2;
            }
            final OutputStream os = outFile.equals("-") ? parent.out : Files.newOutputStream(Path.of(outFile));
            final SampleSource source = set.source();
            final SampleBatch batch = new SampleBatch(20_000);
            final ByteBuf buf = ByteBufAllocator.DEFAULT.heapBuffer(4 << 20);
            final BufferedOutputStream bos = new BufferedOutputStream(os, 1 << 20);
            try {
                while (true) {
                    batch.clear();
                    if (source.fill(batch, 20_000, 0) == 0) {
                        break;
                    }
                    buf.clear();
                    encoder.encode(batch, buf);
                    bos.write(buf.array(), buf.arrayOffset() + buf.readerIndex(), buf.readableBytes());
                }
                bos.flush();
            } finally {
                buf.release();
                if (os != parent.out) {
                    os.close();
                }
            }
            return 0;
        }
    }
}
