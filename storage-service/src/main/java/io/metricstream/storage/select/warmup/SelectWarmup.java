package io.metricstream.storage.select.warmup;

import io.metricstream.contracts.client.ClientOptions;
import io.metricstream.contracts.frame.FrameDescriptor;
import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.storage.LabelMatcher;
import io.metricstream.contracts.storage.SelectRequest;
import io.metricstream.contracts.storage.SeriesChunks;
import io.metricstream.contracts.storage.SeriesWindows;
import io.metricstream.contracts.storage.StorageClient;
import io.metricstream.contracts.storage.WindowFunction;
import io.metricstream.contracts.storage.WindowRequest;
import io.metricstream.runtime.binary.BinaryServer;
import io.metricstream.runtime.lifecycle.EventLoops;
import io.metricstream.runtime.lifecycle.JitActivity;
import io.metricstream.runtime.metrics.MetricsRegistry;
import io.metricstream.storage.db.DbOptions;
import io.metricstream.storage.db.TimeSeriesDb;
import io.metricstream.storage.head.HeadMetrics;
import io.metricstream.storage.head.HeadOptions;
import io.metricstream.storage.select.SelectFrameAdapter;
import io.metricstream.storage.select.SelectMetrics;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs storage's select path — postings and matchers, SELECT_CHUNKS over block and head chunks (open chunks
 * re-encoded), SELECT_WINDOWS from chunks and from rollups, answer frames in pooled buffers — through a real
 * {@link SelectFrameAdapter} behind a {@link BinaryServer} on an ephemeral loopback port of event loops of its own,
 * asked by a real {@link StorageClient} (so the transport, framing and the client's answer decoding are compiled
 * too), over a throwaway database of synthetic series in a temporary directory (deleted afterwards), until
 * {@code rounds} rounds ran or {@code budgetMs} passed (checked before each request). So C2 has compiled the path
 * before the first query; the user's database, its head and the service's {@code /metrics} are never touched (the
 * adapter counts into a registry of its own) and the port is closed before the service is ready. Not thread-safe:
 * run once, on one thread.
 */
public final class SelectWarmup {
    private static final Logger LOG = LoggerFactory.getLogger(SelectWarmup.class);
    /**
     * The throwaway database's layout, in block durations {@code d} (2 h by default) from {@link #startMs}: [0, 3d)
     * flushed as three blocks and compacted into one with rollups, [3d, 5d) two blocks without (as the service's
     * default rule leaves every block of recent data), [5d, 5.5d] in the head, last chunks open. So SELECT_WINDOWS runs
     * both its rollup path and its direct path over raw block and head chunks, the one the user's recent data takes
     * (only warming the rollup path left Q5 of loadgen/bench/query.sh compiling it during its first run). The blocks
     * are listed [3d, 4d), [0, 3d), [4d, 5d) (see {@link #fill}): a series' block sources arrive both out of and in
     * time order.
     */
    static final int COMPACTED_BLOCKS = 3;
    /** Blocks after the compacted one, not compacted. */
    static final int NEWER_BLOCKS = 2;
    /** Head span after the last block, in block durations. */
    static final double HEAD_BLOCKS = 0.5;
    /** Sample interval: the 15 s of common scrape configs and of the peers data set, so chunks span as theirs do. */
    static final long SCRAPE_MS = 15_000;
    /** Samples per block duration at most (a long block duration scrapes the throwaway series less often). */
    static final long MAX_SAMPLES_PER_BLOCK = 480;
    /** Hosts per metric: 60 series in all (fewer series, same chunk shapes: the fill is most of the CPU). */
    static final int HOSTS = 20;
    private static final long ANSWER_TIMEOUT_S = 30;
    private static final String TEMP_PREFIX = "metricstream-select-warmup";
    /**
     * Wall-clock cap of the top-up rounds (beyond {@code budgetMs}): run after the other warm-ups of the JVM when
     * rounds left part of the path at tier 2 ({@link #runTurn}).
     */
    static final long TOP_UP_BUDGET_MS = 1_000;
    /** Packages whose compilation the settle rounds wait for: what a select runs. */
    private static final String[] SELECT_PATH = {"io.metricstream.storage.select.", "io.metricstream.storage.block.",
        "io.metricstream.storage.index.", "io.metricstream.storage.chunk.", "io.metricstream.contracts.chunk.",
        "io.metricstream.contracts.storage."};
    /** Selects per round ({@link #requests}). */
    static final int REQUESTS_PER_ROUND = 13;
    /**
     * The step of an instant window request: the query service sends 0 for an instant query or a one-step range
     * ({@code Evaluator.pushdown}). With every warm-up window stepped, the user's first instant select (the count probe
     * of loadgen/bench/cold.sh, or Q5) took {@code WindowQuerier.select}'s and {@code repeatInstant}'s untaken branch
     * for it: unstable_if in their C2 code in every cycle of session 13's JIT logs (none with this step).
     */
    static final long INSTANT_STEP_MS = 0;
    /** How far {@link #directOverBlocks}' windows reach into the compacted block: less than a rollup bucket. */
    static final long INTO_COMPACTED_MS = 120_000;
    /** The series limit of most requests: above the warm-up's series, as the query service's is above a query's. */
    static final int SERIES_LIMIT = 10_000;
    /** Windows of the second {@link #directOverBlocks} request. */
    static final int DIRECT_WINDOWS = 6;
    private static final String[] METRICS = {"warmup_requests_total", "warmup_cpu_percent", "warmup_load"};

    /**
     * What a warm-up did.
     *
     * @param requests select requests answered
     * @param rounds fixed rounds run
     * @param settleRounds rounds run after those until the JIT settled
     * @param topUpRounds rounds run after the other warm-ups of this JVM, to move code left at tier 2 (see
     *     {@link #TOP_UP_BUDGET_MS})
     * @param settled whether the last {@link JitActivity#QUIET_ROUNDS} rounds ended with none of the path queued
     *     for compilation
     * @param answerBytes chunk and window bytes answered (and discarded)
     * @param fillMs wall time of writing the throwaway database
     * @param wallMs wall time, the throwaway database's writing included
     * @param threadCpuMs CPU time of the warm-up thread
     * @param windowsFromRollups SELECT_WINDOWS windows that read rollup buckets
     * @param windowSeriesFromChunks SELECT_WINDOWS series folded straight from raw chunks (no rollup under them)
     * @param failure the failure that stopped it, or null
     */
    public record Report(int requests, int rounds, int settleRounds, int topUpRounds, boolean settled,
                         long answerBytes, long fillMs, long wallMs, long threadCpuMs, long windowsFromRollups,
                         long windowSeriesFromChunks, Throwable failure) {
    }

    private final HeadOptions head;
    private final int frameBytes;
    private final int rounds;
    private final int maxSettleRounds;
    private final long budgetMs;
    private final Path tempParent;

    /** A warm-up with the service's head settings and answer frame size, its database under java.io.tmpdir. */
    public SelectWarmup(final HeadOptions head, final int frameBytes, final int rounds, final int maxSettleRounds,
                        final long budgetMs) {
        this(head, frameBytes, rounds, maxSettleRounds, budgetMs, null);
    }

    /**
     * Like the other constructor, with the throwaway database in a new directory under {@code tempParent}. After
     * {@code rounds}, up to {@code maxSettleRounds} more until {@link JitActivity#QUIET_ROUNDS} rounds in a row ended
     * with none of the path queued for compilation (the last fixed round counts).
     */
    SelectWarmup(final HeadOptions head, final int frameBytes, final int rounds, final int maxSettleRounds,
                 final long budgetMs, final Path tempParent) {
        this.head = head;
        this.frameBytes = frameBytes;
        this.rounds = rounds;
        this.maxSettleRounds = maxSettleRounds;
        this.budgetMs = budgetMs;
        this.tempParent = tempParent;
    }

    /**
     * Runs the warm-up, after any other warm-up of this JVM ({@link JitActivity#takeTurn}), and logs what it ran; a
     * failure is logged and reported, never thrown. The budget counts from the turn.
     */
    public Report run() {
        return JitActivity.inTurn(this::runTurn, e -> {
            LOG.info("select warm-up stopped by shutdown while waiting for its turn");
            return new Report(0, 0, 0, 0, false, 0, 0, 0, 0, 0, 0, e);
        });
    }

    private Report runTurn(final long waitMs) {
        final long cpu0 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        final long t0 = System.nanoTime();
        final long deadline = t0 + budgetMs * 1_000_000;
        long answerBytes = 0;
        long fillMs = 0;
        int requests = 0;
        int fixedRounds = 0;
        int settleRounds = 0;
        TopUp topUp = TopUp.NONE;
        boolean settled = false;
        List<String> stillQueued = List.of();
        List<String> midTier = List.of();
        int midTierCount = -1;
        long c2WaitMs = 0;
        long firstWaitMs = 0;
        final SelectMetrics metrics = new SelectMetrics(new MetricsRegistry());
        Throwable failure = null;
        Path dir = null;
        try {
            dir = tempParent == null ? Files.createTempDirectory(TEMP_PREFIX)
                : Files.createTempDirectory(tempParent, TEMP_PREFIX);
            try (TimeSeriesDb db = TimeSeriesDb.open(dir, dbOptions(head), new HeadMetrics(new MetricsRegistry()));
                 EventLoops loops = EventLoops.create(1)) {
                fill(db, head.blockDurationMs());
                fillMs = (System.nanoTime() - t0) / 1_000_000;
                final ExecutorService selects = Executors.newSingleThreadExecutor(r -> {
                    final Thread t = new Thread(r, "storage-warmup-select");
                    t.setDaemon(true);
                    return t;
                });
                final BinaryServer server = BinaryServer.bind(loops, "127.0.0.1", 0, () -> new SelectFrameAdapter(db,
                    selects, frameBytes, null, metrics),
                    FrameDescriptor.DEFAULT_MAX_FRAME_BYTES);
                try (StorageClient client = new StorageClient("127.0.0.1", server.port(), ClientOptions.DEFAULT,
                    loops.workerGroup())) {
                    final List<Request> all = requests(head.blockDurationMs());
                    // the select path's packages only: ingestion and the queue start in the same JVM and compile
                    // contracts code of their own (hashing, record batches), which would keep every round busy
                    final JitActivity jit = new JitActivity(SELECT_PATH);
                    // rounds against the startup's long C2 queue would leave the path at tier 2, unprofiled
                    firstWaitMs = jit.awaitShortC2Queue(startWaitCapMs(deadline), () -> going(deadline));
                    for (; fixedRounds < rounds && going(deadline); fixedRounds++) {
                        answerBytes += round(all, client);
                        requests += all.size();
                        jit.fixedRoundEnded();
                    }
                    // then until rounds end with none of the path queued for compilation and the path's hot code
                    // no longer leaving tier 2/3 (JitActivity): compiled at tier 4 from the warm-up's profiles
                    if (fixedRounds == rounds) {
                        final long[] bytes = {0};
                        settleRounds = jit.settle(maxSettleRounds, () -> going(deadline), () -> {
                            bytes[0] += round(all, client);
                        });
                        answerBytes += bytes[0];
                        requests += settleRounds * all.size();
                    }
                    topUp = maxSettleRounds > 0 ? topUp(jit, all, client) : TopUp.NONE;
                    answerBytes += topUp.bytes();
                    requests += topUp.rounds() * all.size();
                    settled = jit.settled();
                    stillQueued = settled ? List.of() : jit.queuedMethods(5);
                    midTier = jit.midTierMethods(5);
                    midTierCount = jit.midTierCount();
                    c2WaitMs = jit.c2WaitMs();
                } finally {
                    server.stopAccepting();
                    server.closeConnections(Duration.ofSeconds(1));
                    selects.shutdownNow();
                }
            }
        } catch (final Exception | AssertionError | LinkageError e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            failure = e;
        } finally {
            failure = deleteQuietly(dir, failure);
        }
        final Report report = new Report(requests, fixedRounds, settleRounds, topUp.rounds(),
            settled, answerBytes, fillMs, (System.nanoTime() - t0) / 1_000_000,
            (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpu0) / 1_000_000,
            metrics.windowsFromRollups(), metrics.windowSeriesFromChunks(), failure);
        if (failure instanceof InterruptedException || Thread.currentThread().isInterrupted()) {
            LOG.info("select warm-up stopped by shutdown after {} requests in {} ms", requests, report.wallMs());
        } else if (failure != null) {
            LOG.warn("select warm-up failed after {} requests in {} ms; the service runs without it", requests,
                report.wallMs(), failure);
        } else {
            LOG.info("select warm-up: {} requests over {} synthetic series, {} answer bytes ({} windows from rollups, "
                + "{} series folded from chunks), {} rounds then {} until the JIT {}, in {} ms ({} ms writing the "
                + "database; warm-up thread CPU {} ms; {} ms waiting for its turn; {} ms for C2's queue, {} of them "
                + "before the first round; {} top-up rounds after {} ms for the other warm-ups, methods at tier 2 "
                + "{}); {} of its methods left at tier 2/3 {}", requests, METRICS.length * HOSTS,
                answerBytes, report.windowsFromRollups(), report.windowSeriesFromChunks(), fixedRounds, settleRounds,
                settling(report, stillQueued), report.wallMs(), fillMs, report.threadCpuMs(), waitMs, c2WaitMs,
                firstWaitMs, topUp.rounds(), topUp.yieldMs(), topUp.tier2(), midTierCount, midTier);
        }
        return report;
    }

    /**
     * What {@link #topUp} did: rounds, answer bytes, milliseconds the other warm-ups ran first, watched methods at
     * tier 2 before and after (-1: not read).
     */
    private record TopUp(int rounds, long bytes, long yieldMs, int tier2Before, int tier2After) {
        static final TopUp NONE = new TopUp(0, 0, 0, -1, -1);

        /** The tier-2 counts for the log line, {@code before -> after}. */
        String tier2() {
            return tier2Before + " -> " + tier2After;
        }
    }

    /**
     * The startup's long C2 queue (services starting, a user's first ingest beside them) leaves part of the path at
     * tier 2, unprofiled, however many rounds run: HotSpot moves such code to tier 3 only while that queue is short.
     * The first query then recompiled {@code ChunkQuerier.touches/collect}, {@code ChunkList.add/swap},
     * {@code Block.chunkAt}, {@code SeriesChunks.writeChunk} and {@code WindowQuerier.foldAggregate} at tiers 3 and 4
     * (session 9's JIT logs of loadgen/bench/cold.sh, both cycles); on a loaded machine the budget ends the fixed
     * rounds early and leaves such code at tier 3. So when the JIT did not settle or rounds left watched methods at
     * tier 2: lets the JVM's other warm-ups run first ({@link JitActivity#yieldTurn}; they fill C2's queue in turn),
     * then runs rounds until the JIT settles, at most {@code maxSettleRounds}, within {@link #TOP_UP_BUDGET_MS}.
     */
    private TopUp topUp(final JitActivity jit, final List<Request> all, final StorageClient client)
        throws Exception {
        final int before = jit.limitedProfileCount();
        if ((jit.settled() && before <= 0) || Thread.currentThread().isInterrupted()) {
            return new TopUp(0, 0, 0, before, before);
        }
        final long yieldMs = JitActivity.yieldTurn();
        final long deadline = System.nanoTime() + TOP_UP_BUDGET_MS * 1_000_000;
        jit.resume();
        final long[] bytes = {0};
        final int n = jit.settle(maxSettleRounds, () -> going(deadline), () -> {
            bytes[0] += round(all, client);
        });
        return new TopUp(n, bytes[0], yieldMs, before, jit.limitedProfileCount());
    }

    /** One round of requests (a round is short, so the budget is checked between rounds); returns answer bytes. */
    private static long round(final List<Request> all, final StorageClient client) throws Exception {
        long bytes = 0;
        for (final Request r : all) {
            bytes += r.ask().apply(client).get(ANSWER_TIMEOUT_S, TimeUnit.SECONDS);
        }
        return bytes;
    }

    private String settling(final Report report, final List<String> stillQueued) {
        return report.settled() ? "settled" : maxSettleRounds == 0 ? "was not waited for"
            : "was still compiling" + (stillQueued.isEmpty() ? "" : " " + String.join(", ", stillQueued));
    }

    /** The longest wait for C2's queue before the first round: a quarter of the budget left, the rest for rounds. */
    static long startWaitCapMs(final long deadlineNanos) {
        return Math.max(0, (deadlineNanos - System.nanoTime()) / 4_000_000);
    }

    /** Before the budget's end and not interrupted (the service closes: it stops the warm-up). */
    private static boolean going(final long deadlineNanos) {
        return System.nanoTime() - deadlineNanos < 0 && !Thread.currentThread().isInterrupted();
    }

    /** The throwaway database's options: rollups only in the compacted block (as the service's long merged ones). */
    static DbOptions dbOptions(final HeadOptions head) {
        return new DbOptions(head, 0, 0, COMPACTED_BLOCKS, 2, 2 * head.blockDurationMs());
    }

    /** First sample: aligned to the compacted block (2001-09-09; only ever in the throwaway database). */
    static long startMs(final long blockMs) {
        final long compacted = COMPACTED_BLOCKS * blockMs;
        return 1_000_000_000_000L / compacted * compacted;
    }

    /** Last sample. */
    static long endMs(final long blockMs) {
        return startMs(blockMs) + (long) ((COMPACTED_BLOCKS + NEWER_BLOCKS + HEAD_BLOCKS) * blockMs);
    }

    /**
     * Writes the layout {@link #COMPACTED_BLOCKS} describes: integer counters (a quarter with constant increments),
     * gauges as random walks and ramps of hundredths and as random floats (every chunk encoding), times jittered
     * except for a quarter of the series. Regular shapes matter: the first Q5 of loadgen/bench/query.sh over the
     * peers data set (exact 15 s scrapes) deoptimized {@code ChunkReader.skipTimestamps} and its DECIMAL value loop at
     * branches the warm-up's jittered, random-increment series never took (JFR jdk.Deoptimization, unstable_if).
     */
    static void fill(final TimeSeriesDb db, final long blockMs) throws IOException {
        final SplittableRandom random = new SplittableRandom(7);
        final long start = startMs(blockMs);
        final long end = endMs(blockMs);
        final long scrapeMs = Math.max(SCRAPE_MS, blockMs / MAX_SAMPLES_PER_BLOCK);
        for (int m = 0; m < METRICS.length; m++) {
            for (int h = 0; h < HOSTS; h++) {
                final LabelSet labels = LabelSet.of("__name__", METRICS[m], "host",
                    String.format(Locale.ROOT, "h%02d", h), "job", "job" + h % 4, "region", "r" + h % 3);
                double counter = 0;
                long hundredths = 5_000;
                for (long t = start; t <= end; t += scrapeMs) {
                    hundredths = Math.max(0, Math.min(10_000, hundredths + random.nextInt(-300, 301)));
                    final double v = switch (m) {
                        case 0 -> counter += h % 4 == 1 ? 100 : random.nextInt(3_000);
                        case 1 -> h % 2 == 0 ? hundredths / 100.0 : random.nextDouble() * 100;
                        default -> h % 4 == 2 ? smooth((t - start) / scrapeMs) : hundredths / 100.0;
                    };
                    // a quarter of the series scraped exactly on time, as a fixed-interval data set is: chunks whose
                    // timestamp deltas are all equal (a zero-width FOR block) take their own decoder branch
                    final boolean jitter = h % 4 != 0 && random.nextInt(8) == 0;
                    db.head().append(labels, t + (jitter ? random.nextInt(40) : 0), v);
                }
            }
        }
        db.flush(start + COMPACTED_BLOCKS * blockMs);
        // the newer block first, then the merge: the compacted block gets the later name, so it is listed after the
        // newer one (TimeSeriesDb lists blocks by name) as a user's day of data is once its first blocks are merged,
        // and every series' chunks arrive out of time order (ChunkList.sortByMinTime swaps); merged before the newer
        // flush, the order was sorted, and the first Q1 of loadgen/bench/cold.sh compiled ChunkList.swap
        db.flush(start + (COMPACTED_BLOCKS + 1) * blockMs);
        db.compact();
        // and a newer block listed after the merge, in time order after the first newer one: a user's blocks are
        // listed in time order until a merge, so WindowQuerier.directApplies' insertion sort must see sources that
        // stay as well as one that moves (with only the out-of-order pair, the count probe of loadgen/bench/cold.sh
        // over the user's in-order blocks trapped in its C2 code, unstable_if)
        db.flush(start + (COMPACTED_BLOCKS + NEWER_BLOCKS) * blockMs);
    }

    /**
     * The smooth gauge's {@code k}-th value: a parabola of tenths, so its chunks are ENCODING_DECIMAL_DOD (constant
     * delta-of-deltas). The ramp of hundredths it replaces had constant deltas, so every decimal chunk of the warm-up
     * was DECIMAL_DELTA, and the first Q5 of loadgen/bench/cold.sh over the peers data set trapped (unstable_if) in
     * the tier-4 {@code ChunkReader.resetAggregate} at its DOD branch, in all four cycles of session 7's JIT log.
     */
    static double smooth(final long k) {
        return (k * k + 7 * k) / 10.0;
    }

    /**
     * One request: how it is asked, answering the chunk or window bytes of its answer; its window request or null
     * (SELECT_CHUNKS); its series limit.
     */
    private record Request(WindowRequest window, int maxSeries,
                           Function<StorageClient, CompletableFuture<Long>> ask) {
        static Request chunks(final SelectRequest q) {
            return new Request(null, q.maxSeries(), c -> c.selectChunks(q).thenApply(all -> {
                long bytes = 0;
                for (final SeriesChunks s : all) {
                    for (final byte[] chunk : s.chunks()) {
                        bytes += chunk.length;
                    }
                }
                return bytes;
            }));
        }

        static Request windows(final WindowRequest q) {
            return new Request(q, q.maxSeries(), c -> c.selectWindows(q).thenApply(all -> {
                long bytes = 0;
                for (final SeriesWindows s : all) {
                    bytes += 12L * s.size();
                }
                return bytes;
            }));
        }

        /** The window function asked; null for SELECT_CHUNKS. */
        WindowFunction function() {
            return window == null ? null : window.function();
        }
    }

    /** The window functions one round asks (every one: see {@link #requests}). */
    static Set<WindowFunction> windowFunctions(final long blockMs) {
        final Set<WindowFunction> out = EnumSet.noneOf(WindowFunction.class);
        for (final Request r : requests(blockMs)) {
            if (r.function() != null) {
                out.add(r.function());
            }
        }
        return out;
    }

    /** The window steps one round's requests send: "instant" (stepMs 0), "one step" (one window) and "stepped". */
    static Set<String> windowSteps(final long blockMs) {
        final Set<String> out = new TreeSet<>();
        for (final Request r : requests(blockMs)) {
            if (r.window() != null) {
                out.add(r.window().stepMs() == 0 ? "instant" : r.window().stepCount() == 1 ? "one step" : "stepped");
            }
        }
        return out;
    }

    /** The series limits one round's requests send, SELECT_CHUNKS and SELECT_WINDOWS apart ("chunks 0", ...). */
    static Set<String> seriesLimits(final long blockMs) {
        final Set<String> out = new TreeSet<>();
        for (final Request r : requests(blockMs)) {
            out.add((r.function() == null ? "chunks " : "windows ") + r.maxSeries());
        }
        return out;
    }

    /** One round: the selects a dashboard's common queries send (PEERS.md's five and their neighbours). */
    private static List<Request> requests(final long blockMs) {
        final long start = startMs(blockMs);
        final long end = endMs(blockMs);
        final long recent = start + COMPACTED_BLOCKS * blockMs;
        final List<LabelMatcher> counter = List.of(LabelMatcher.eq("__name__", "warmup_requests_total"));
        final List<LabelMatcher> cpu = List.of(LabelMatcher.eq("__name__", "warmup_cpu_percent"));
        final List<LabelMatcher> someHosts = List.of(LabelMatcher.eq("__name__", "warmup_cpu_percent"),
            LabelMatcher.of(LabelMatcher.Type.RE, "host", "h1.*"));
        final List<LabelMatcher> load = List.of(LabelMatcher.eq("__name__", "warmup_load"));
        final List<LabelMatcher> all = List.of(LabelMatcher.of(LabelMatcher.Type.RE, "__name__", "warmup_.+"));
        // the query service sends its series limit (SERIES_LIMIT here), other clients may send none (0): both, so
        // the limit check is compiled for either (with only 0 sent, the first query's limit trapped in
        // WindowQuerier.select, unstable_if, in session 8's JIT log of loadgen/bench/cold.sh)
        return List.of(
            Request.chunks(new SelectRequest(start, end, SERIES_LIMIT, counter)),
            Request.chunks(new SelectRequest(start, end, 0, someHosts)),
            Request.chunks(new SelectRequest(start + blockMs / 2, end, SERIES_LIMIT, load)),
            // rollup buckets of the compacted block, raw samples of the rest
            // instant windows (stepMs 0) as the query service sends an instant query or a one-step range (Q5, the
            // count probe), one-step windows with a step as other clients may: see INSTANT_STEP_MS
            Request.windows(new WindowRequest(end, INSTANT_STEP_MS, 1, 86_400_000L, WindowFunction.MAX, SERIES_LIMIT,
                cpu)),
            // no rollup under the window: every series folded straight from its block and head chunks (whole
            // chunks from their aggregates or values); one metric's 40 series left ChunkReader.resetAggregate in C1
            // and the first Q5 compiled it while it ran. Into the compacted block as a [1d] window reaches into a
            // user's merged blocks (see directOverBlocks)
            Request.windows(directOverBlocks(blockMs, 1)),
            Request.windows(directOverBlocks(blockMs, DIRECT_WINDOWS)),
            Request.windows(new WindowRequest(end, 60_000, 1, end - recent, WindowFunction.AVG, 0, cpu)),
            // no rollup under overlapping windows: raw samples at every step
            Request.windows(new WindowRequest(recent + blockMs, 60_000,
                (int) Math.min(WindowRequest.MAX_STEPS, (end - recent - blockMs) / 60_000 + 1), blockMs,
                WindowFunction.MAX, SERIES_LIMIT, load)),
            Request.windows(new WindowRequest(start + blockMs / 2, 60_000, 400, 3_600_000L, WindowFunction.AVG, 0,
                load)),
            Request.windows(new WindowRequest(end, 60_000, 1, 3 * blockMs, WindowFunction.SUM, SERIES_LIMIT,
                someHosts)),
            // every other function once per round too: compiled code of the folds has no trap on a case the warm-up
            // never took, so a first COUNT (query.sh's count_over_time probe) or MIN/LAST does not deoptimize them
            // and leave the next user query re-profiling in the interpreter
            Request.windows(new WindowRequest(end, INSTANT_STEP_MS, 1, end - start, WindowFunction.COUNT, SERIES_LIMIT,
                all)),
            Request.windows(new WindowRequest(end, 60_000, 1, end - start, WindowFunction.MIN, 0, cpu)),
            Request.windows(new WindowRequest(end, 60_000, 1, end - recent, WindowFunction.LAST, 0, load)));
    }

    /**
     * MAX over every series in {@code windows} adjacent windows covering the newer blocks and the head, the first
     * starting {@link #INTO_COMPACTED_MS} inside the compacted block, folded straight from chunks ({@code
     * WindowQuerier}'s direct path: no whole rollup bucket under a window). One window is an instant {@code [1d]}
     * query over a user's merged and newer blocks. Each series has three block sources listed out of time order, so
     * the insertion sort in {@code directApplies} moves one and keeps one: with one block source it never ran, and Q5
     * of loadgen/bench/cold.sh trapped there (unstable_if) in 2 of 3 cycles. Several windows (each at least half the
     * series' average chunk, or the direct path does not apply): more loop edges a call, so {@code directAggregate}
     * moves off tier 2 (unprofiled; C1 asks to move it only every 2048 calls or 16384 loop edges) within the warm-up.
     */
    static WindowRequest directOverBlocks(final long blockMs, final int windows) {
        final long from = startMs(blockMs) + COMPACTED_BLOCKS * blockMs - INTO_COMPACTED_MS;
        final long range = -Math.floorDiv(from - endMs(blockMs), windows);
        return new WindowRequest(from + range, windows == 1 ? INSTANT_STEP_MS : range, windows, range,
            WindowFunction.MAX, SERIES_LIMIT,
            List.of(LabelMatcher.of(LabelMatcher.Type.RE, "__name__", "warmup_.+")));
    }

    private static Throwable deleteQuietly(final Path dir, final Throwable failure) {
        if (dir == null) {
            return failure;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (final Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
            return failure;
        } catch (final IOException e) {
            if (failure != null) {
                failure.addSuppressed(e);
                return failure;
            }
            return e;
        }
    }
}
