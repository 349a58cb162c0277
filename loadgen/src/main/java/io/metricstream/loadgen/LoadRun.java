package io.metricstream.loadgen;

import io.metricstream.contracts.client.ClientOptions;
import io.metricstream.contracts.client.PipelinedClient;
import io.metricstream.contracts.queue.QueueClient;
import io.metricstream.loadgen.drive.ClosedLoopDriver;
import io.metricstream.loadgen.drive.HttpTarget;
import io.metricstream.loadgen.drive.HttpTransport;
import io.metricstream.loadgen.drive.LatencyAccounting;
import io.metricstream.loadgen.drive.OpenLoopDriver;
import io.metricstream.loadgen.drive.OpenLoopSchedule;
import io.metricstream.loadgen.drive.Outcomes;
import io.metricstream.loadgen.drive.PreparedRequest;
import io.metricstream.loadgen.drive.QueueTransport;
import io.metricstream.loadgen.drive.RequestPreparer;
import io.metricstream.loadgen.drive.RunStats;
import io.metricstream.loadgen.drive.Transport;
import io.metricstream.loadgen.encode.LineProtocolEncoder;
import io.metricstream.loadgen.encode.PayloadFormat;
import io.metricstream.loadgen.encode.QueueRecordEncoder;
import io.metricstream.loadgen.generate.PeersDataSet;
import io.metricstream.loadgen.generate.SampleBatch;
import io.metricstream.loadgen.generate.SampleSource;
import io.metricstream.loadgen.generate.SyntheticSource;
import io.metricstream.loadgen.report.ProgressLine;
import io.metricstream.loadgen.report.StageReport;
import io.metricstream.loadgen.scenario.RunPlan;
import io.metricstream.loadgen.verify.AckLog;
import io.metricstream.loadgen.verify.AlertCheck;
import io.metricstream.loadgen.verify.PromQueryReader;
import io.metricstream.loadgen.verify.Verifier;
import io.metricstream.loadgen.verify.VerifyResult;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Runs a {@link RunPlan}: builds the source, encoder and connections, drives each stage (open or closed loop),
 * prints progress, and optionally verifies every acknowledged sample afterwards. The one place that wires the
 * packages together.
 */
public final class LoadRun {
    /**
     * Run-wide settings that are not part of a scenario.
     *
     * @param allowRemote allow non-loopback targets
     * @param progress print a progress line on stderr once a second
     * @param timeoutMs per-request timeout
     * @param precision line protocol timestamp unit
     * @param verifyUrl query service base URL to verify against, or {@code null}
     * @param verifyTimeout how long the verifier keeps re-reading
     * @param verifyMetricSuffix suffix the platform adds to metric names (Influx field), or "" (null = auto)
     * @param drainNanos how long a stage waits for outstanding answers after its deadline
     * @param preencodeBytes encode up to this many payload bytes before a stage's clock starts (0 = encode live;
     *     replayed data sets only)
     * @param alertsUrl alert service base URL to check canary alerts against, or {@code null}
     * @param alertName alert name that counts ({@code null} = any)
     * @param alertWait how long to wait for the canary alerts after the run
     * @param verifyTolerance relative tolerance of value comparison (0 = bit for bit)
     */
    public record Settings(boolean allowRemote, boolean progress, long timeoutMs,
                           LineProtocolEncoder.Precision precision, String verifyUrl, Duration verifyTimeout,
                           String verifyMetricSuffix, long drainNanos, long preencodeBytes, String alertsUrl,
                           String alertName, Duration alertWait, double verifyTolerance) {
    }

    /**
     * The outcome.
     *
     * @param stages one report per stage
     * @param verify verify result, or {@code null}
     * @param alerts canary alert check, or {@code null}
     * @param error a fatal problem (bad target), or {@code null}
     */
    public record Result(List<StageReport> stages, VerifyResult verify, AlertCheck.Result alerts, String error) {
    }

    private LoadRun() {
    }

    /** Executes {@code plan}; {@code err} gets the progress lines. */
    public static Result execute(final RunPlan plan, final Settings settings, final PrintStream err)
        throws IOException, InterruptedException {
        final boolean queue = plan.format().equals("queue");
        final PayloadFormat format = queue ? null : PayloadFormat.parse(plan.format());
        final Object parsed = HttpTarget.parse(plan.targetUrl(), format, settings.allowRemote());
        if (parsed instanceof String problem) {
            return new Result(List.of(), null, null, problem);
        }
        HttpTarget target = (HttpTarget) parsed;
        if (target.isQueue() != queue) {
            return new Result(List.of(), null, null, "format " + plan.format() + " does not fit target "
                + plan.targetUrl()
                + ": want --format queue with queue://host:port[/topic], and an http:// target otherwise");
        }
        if (format == PayloadFormat.LP && !target.uri().contains("precision=")) {
            target = new HttpTarget(target.scheme(), target.host(), target.port(), target.uri()
                + (target.uri().contains("?") ? "&" : "?") + "precision=" + settings.precision().queryValue());
        }
        final SampleSource source = plan.synthetic() != null ? new SyntheticSource(plan.synthetic())
            : new PeersDataSet(plan.peers().seed(), plan.peers().hosts(), plan.peers().hours(), 15,
                plan.peers().startMs(), plan.peers().hostPrefix()).source();
        final AckLog acks = settings.verifyUrl() == null ? null : new AckLog();
        final int threads = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(),
            plan.stages().stream().mapToInt(RunPlan.StagePlan::connections).max().orElse(1)));
        // epoll when available (the client's own CPU is part of every benchmark); the contracts' PipelinedClient and
        // the HTTP connections open the channel class of this group's transport
        final EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads,
            Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        final Class<? extends SocketChannel> channelType = PipelinedClient.socketChannelClass(group);
        final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            final Thread t = new Thread(r, "loadgen-progress");
            t.setDaemon(true);
            return t;
        });
        try {
            int partitions = 0;
            if (queue) {
                try (QueueClient probe = new QueueClient(target.host(), target.port(), ClientOptions.DEFAULT, group)) {
                    partitions = QueueTransport.partitions(probe, target.uri());
                } catch (RuntimeException e) {
                    return new Result(List.of(), null, null, "cannot read partitions of topic " + target.uri()
                        + " from "
                        + target + ": " + e.getMessage());
                }
            }
            final List<StageReport> reports = new ArrayList<>();
            for (RunPlan.StagePlan stage : plan.stages()) {
                final RequestPreparer preparer = new RequestPreparer(source,
                    queue ? null : format.encoder(source.catalog(), settings.precision()),
                    queue ? new QueueRecordEncoder(source.catalog(), partitions) : null, stage.batch(), acks != null);
                if (settings.preencodeBytes() > 0 && source.totalSamples() >= 0) {
                    final int n = preparer.preload(settings.preencodeBytes(), System.currentTimeMillis());
                    if (settings.progress()) {
                        err.println("pre-encoded " + n + " requests of stage " + stage.name());
                    }
                }
                try {
                    reports.add(runStage(plan, stage, target, format, group, channelType, preparer, settings, acks,
                        ticker, err));
                } finally {
                    preparer.releasePreloaded();
                }
            }
            VerifyResult verify = null;
            if (acks != null) {
                final String suffix = settings.verifyMetricSuffix() != null ? settings.verifyMetricSuffix()
                    : format == PayloadFormat.LP ? "_" + LineProtocolEncoder.FIELD : "";
                final Verifier verifier = new Verifier(new PromQueryReader(settings.verifyUrl(), 3_600_000L,
                    Duration.ofSeconds(30)), settings.verifyTimeout(), Verifier.defaultPollInterval(),
                    Verifier.metricSuffix(suffix), settings.verifyTolerance());
                verify = verifier.verify(source.catalog(), acks);
            }
            AlertCheck.Result alerts = null;
            if (settings.alertsUrl() != null && source instanceof SyntheticSource s && s.badHosts() > 0) {
                alerts = AlertCheck.run(settings.alertsUrl(), settings.alertName(), s.canaryHosts(),
                    s.canaryStartMs(), settings.alertWait());
            }
            return new Result(reports, verify, alerts, null);
        } finally {
            ticker.shutdownNow();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static StageReport runStage(final RunPlan plan, final RunPlan.StagePlan stage, final HttpTarget target,
                                        final PayloadFormat format, final EventLoopGroup group,
                                        final Class<? extends SocketChannel> channelType,
                                        final RequestPreparer preparer, final Settings settings, final AckLog acks,
                                        final ScheduledExecutorService ticker, final PrintStream err)
        throws InterruptedException {
        final RunStats stats = new RunStats();
        final LatencyAccounting latency = new LatencyAccounting();
        final Outcomes outcomes = new Outcomes(stats, latency, acks == null ? null : (r, s) -> remember(acks, r, s));
        final List<Transport> transports = new ArrayList<>();
        for (int i = 0; i < stage.connections(); i++) {
            transports.add(target.isQueue() ? new QueueTransport(group, target, settings.timeoutMs())
                : new HttpTransport(group, channelType, target, format, settings.timeoutMs()));
        }
        final long start = System.nanoTime();
        final LongSupplier backlog;
        final OpenLoopDriver open;
        final ClosedLoopDriver closed;
        if (stage.open()) {
            open = new OpenLoopDriver(transports, preparer, outcomes, new OpenLoopSchedule(List.of(
                new OpenLoopSchedule.Phase(stage.durationNanos(), stage.requestsPerSecond()))));
            closed = null;
            backlog = open::backlog;
        } else {
            closed = new ClosedLoopDriver(transports, preparer, outcomes, stage.requestsPerConnection());
            open = null;
            backlog = () -> 0;
        }
        java.util.concurrent.ScheduledFuture<?> tick = null;
        if (settings.progress()) {
            final ProgressLine line = new ProgressLine(err, stats, latency, backlog);
            tick = ticker.scheduleAtFixedRate(line::tick, 1, 1, TimeUnit.SECONDS);
        }
        try {
            if (open != null) {
                open.run(settings.drainNanos());
            } else {
                closed.run(stage.durationNanos(), settings.drainNanos());
            }
        } finally {
            if (tick != null) {
                tick.cancel(false);
            }
            for (Transport t : transports) {
                t.close();
            }
        }
        final long elapsed = System.nanoTime() - start;
        return new StageReport(stage.name(), target.toString(), plan.format(), stage.open() ? "open" : "closed",
            stage.connections(), stage.batch(), elapsed, stats.requestsByStatus(), stats.samplesByStatus(),
            stats.reasons(), stats.samplesAcked(), stats.requestsAcked(), stats.requestsFailed(), stats.unsent(),
            stats.bytesSent(), latency.total(), latency.serviceTotal());
    }

    private static void remember(final AckLog acks, final PreparedRequest request, final int status) {
        final SampleBatch b = request.samples();
        if (b == null) {
            return;
        }
        if (status >= 200 && status < 300) {
            for (int i = 0; i < b.size(); i++) {
                acks.acked(b.seriesId(i), b.timestampMs(i), b.value(i));
            }
        } else if (status == 0) {
            for (int i = 0; i < b.size(); i++) {
                acks.inDoubt(b.seriesId(i), b.timestampMs(i), b.value(i));
            }
        }
    }
}
