package io.metricstream.runtime.lifecycle;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.LongFunction;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Whether HotSpot still compiles a warm-up's code, read after each warm-up round. At startup the C2 queue is long, so
 * methods the fixed rounds made hot are still at tier 2/3 when those rounds end and would reach tier 4 during the
 * user's first query. A round is quiet when, at its end, no method of the warm-up's packages is being compiled or
 * waits in a compile queue ({@code Compiler.queue}, the diagnostic command behind {@code jcmd PID Compiler.queue},
 * asked through its platform MBean); where that command is missing, when the compilers worked less than
 * {@link #QUIET_MS} during the round ({@link CompilationMXBean#getTotalCompilationTime}: the whole JVM's, so the other
 * warm-ups and services starting in the same JVM keep it busy). Used by the startup warm-ups of query and
 * storage. Warm-ups in one JVM ({@code ./metricstream up}) take turns ({@link #takeTurn}): the compile queue is the
 * JVM's, and code both run (contracts: frames, chunks, label sets) compiled for one kept the other's round from ever
 * ending quiet, so side by side neither settled.
 *
 * <p>A quiet queue is not enough: with the C2 queue long (startup, five services compiling) HotSpot compiles hot
 * methods at tier 2 (C1 without profiling) and moves them to tier 3 only once that queue is short again
 * ({@code Tier3DelayOff}); a warm-up that stops then leaves no profile, and the user's first query builds the tier-4
 * code from its own shape (Q5 of loadgen/bench/cold.sh hit an uncommon trap in {@code WindowQuerier.foldWhole}). So
 * where the code list can be read ({@code Compiler.codelist}) a round is quiet only when also the set of watched
 * methods at tier 2/3 (or its tier-2 part) did not shrink during it (the warm-up still gets methods to tier 4) and no
 * watched method waits at tier 2 for a long C2 queue; while one does, {@link #settle} waits for the queue instead of
 * running rounds. Methods at tier 2/3 that the warm-up calls too rarely to reach tier 4 stop the set from shrinking
 * and end the wait. Not thread-safe.
 */
public final class JitActivity {
    /** Quiet rounds in a row that count as settled: a method may turn hot again in the round after its compile. */
    public static final int QUIET_ROUNDS = 2;
    /** Without the compile queue: compilation time of a round below which it is quiet (one small C2 compile). */
    public static final long QUIET_MS = 15;
    /** Highest tier that is not C2's: in use, a watched method at tier 2 or 3 may still move to tier 4. */
    static final int TIER_C1_FULL_PROFILE = 3;
    /** C1 with invocation counters only: chosen instead of tier 3 while the C2 queue is long. */
    static final int TIER_C1_LIMITED_PROFILE = 2;
    /** {@code nmethod} state of code that runs (not yet made not entrant). */
    static final int STATE_IN_USE = 0;
    /** How often {@link #settle} looks at a long C2 queue while it waits for it. */
    static final long POLL_NS = 10_000_000;
    private static final String[] NO_ARGS = {};
    private static final String[] SIGNATURE = {String[].class.getName()};
    /** Held by the warm-up that runs; fair, so they run in the order they asked. */
    private static final ReentrantLock TURN = new ReentrantLock(true);

    private final String[] packages;
    private final CompilationMXBean jit;
    private final Diagnostics diagnostics;
    /** C2 queue length up to which HotSpot moves tier-2 methods to tier 3 ({@code Tier3DelayOff} x C2 threads). */
    private final int c2QueueShort;
    private long lastMs;
    private int quietRounds;
    /** Watched methods at tier 2/3 at the end of the previous round, with their tier; null before the first. */
    private Map<String, Integer> lastMidTier;
    /** The last round ended with watched code at tier 2 and the C2 queue too long for it to move to tier 3. */
    private boolean blockedOnC2;
    private long c2WaitMs;

    /**
     * HotSpot's diagnostic commands as {@code jcmd PID Compiler.queue} and {@code Compiler.codelist} print them; null
     * where one cannot be read. A seam for tests, which feed captured snapshots.
     */
    public interface Diagnostics {
        /** {@code Compiler.queue}. */
        String compilerQueue();

        /** {@code Compiler.codelist}: one line {@code compileId tier state method [addresses]} per code blob. */
        String codelist();
    }

    /** Watching methods whose class names start with one of {@code packages} ({@code "io.metricstream.query."}). */
    public JitActivity(final String... packages) {
        this(platformDiagnostics(), compilationBean(), c2QueueShort(), packages);
    }

    JitActivity(final Diagnostics diagnostics, final CompilationMXBean jit, final int c2QueueShort,
                final String... packages) {
        this.packages = packages.clone();
        this.diagnostics = diagnostics;
        this.jit = jit;
        this.c2QueueShort = c2QueueShort;
        lastMs = totalMs();
    }

    /** A round of a warm-up; it may throw what the warm-up's requests throw. */
    @FunctionalInterface
    public interface Round {
        /** Runs one round. */
        void run() throws Exception;
    }

    /**
     * Runs rounds after the fixed ones until {@link #settled}, {@code maxRounds} more ran, or {@code going} answers
     * false (the budget ended, the service closes; asked before each round); returns the rounds run. Nothing is run
     * where settling cannot be seen ({@link #measurable}).
     */
    public int settle(final int maxRounds, final BooleanSupplier going, final Round round) throws Exception {
        int n = 0;
        while (!settled() && n < maxRounds && measurable() && going.getAsBoolean()) {
            awaitShortC2Queue(going);
            if (!going.getAsBoolean()) {
                break;
            }
            round.run();
            n++;
            roundEnded();
        }
        return n;
    }

    /**
     * While watched code waits at tier 2 for the C2 queue to shorten (the last round ended so), waits for that
     * instead of running rounds: on two cores a round takes the CPU C2 needs, and tier-2 code profiles nothing. Polls
     * the queue every {@link #POLL_NS} (HotSpot has no event for it), until {@code going} answers false.
     */
    private void awaitShortC2Queue(final BooleanSupplier going) {
        if (!blockedOnC2) {
            return;
        }
        final long t0 = System.nanoTime();
        for (String queue = compilerQueue(); queue != null && c2QueueLength(queue) > c2QueueShort
            && going.getAsBoolean(); queue = compilerQueue()) {
            LockSupport.parkNanos(POLL_NS);
        }
        c2WaitMs += (System.nanoTime() - t0) / 1_000_000;
    }

    /**
     * Before a warm-up's first round: waits while the C2 queue is longer than {@code Tier3DelayOff} allows tier 3
     * (the services starting beside the warm-up fill it), polling every {@link #POLL_NS}, at most {@code maxMs} and
     * while {@code going} answers true; returns the milliseconds waited (also counted in {@link #c2WaitMs}). Rounds
     * run against a long queue get their hot methods compiled at tier 2, which profiles nothing: C2 then builds the
     * tier-4 code later, from fewer rounds (session 7's JIT logs: {@code ChunkQuerier.touches},
     * {@code Block.chunkAt} at tier 2 to the end of the select warm-up, recompiled during the first query). On two
     * cores the wait also leaves the CPU to the compiler threads. Returns at once where the queue cannot be read.
     */
    public long awaitShortC2Queue(final long maxMs, final BooleanSupplier going) {
        final long t0 = System.nanoTime();
        final long end = t0 + maxMs * 1_000_000;
        for (String queue = compilerQueue(); queue != null && c2QueueLength(queue) > c2QueueShort
            && System.nanoTime() - end < 0 && going.getAsBoolean(); queue = compilerQueue()) {
            LockSupport.parkNanos(POLL_NS);
        }
        final long waited = (System.nanoTime() - t0) / 1_000_000;
        c2WaitMs += waited;
        return waited;
    }

    /** Milliseconds the warm-up waited for the C2 queue to shorten ({@link #settle}, {@link #awaitShortC2Queue}). */
    public long c2WaitMs() {
        return c2WaitMs;
    }

    /**
     * Waits until no other warm-up of this JVM runs, then holds the turn until {@link Turn#close}: one warm-up's
     * rounds then end quiet only when its own code is compiled, not whenever the other's happens to be. The wait is
     * bounded by the other warm-up's own budget; interrupted (the service closes), it throws.
     */
    public static Turn takeTurn() throws InterruptedException {
        TURN.lockInterruptibly();
        return new Turn();
    }

    /**
     * Runs {@code warmUp} in this JVM's warm-up turn ({@link #takeTurn}), giving it the milliseconds it waited for
     * the turn, and releases the turn after it; interrupted while waiting (the service closes), answers
     * {@code stopped} instead, with the thread's interrupt status kept.
     */
    public static <R> R inTurn(final LongFunction<R> warmUp, final Function<InterruptedException, R> stopped) {
        final long w0 = System.nanoTime();
        final Turn turn;
        try {
            turn = takeTurn();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return stopped.apply(e);
        }
        try (turn) {
            return warmUp.apply((System.nanoTime() - w0) / 1_000_000);
        }
    }

    /**
     * From inside a turn ({@link #inTurn}): lets the warm-ups waiting for the turn run theirs first, then takes it
     * back; returns the milliseconds that took, 0 at once when none waits. A warm-up whose path the startup's long C2
     * queue left at tier 2 tops it up afterwards, once the compilers have caught up (the storage warm-up in
     * {@code ./metricstream up}). Interrupted while waiting (the service closes), it throws without the turn, which
     * {@link Turn#close} then leaves alone.
     */
    public static long yieldTurn() throws InterruptedException {
        if (!TURN.isHeldByCurrentThread()) {
            throw new IllegalStateException("yieldTurn outside this thread's warm-up turn");
        }
        if (!TURN.hasQueuedThreads()) {
            return 0;
        }
        final long t0 = System.nanoTime();
        TURN.unlock();
        // fair: queued behind the warm-ups that were waiting
        TURN.lockInterruptibly();
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /** A warm-up's turn: close it (once, on the thread that took it) when the warm-up ends. */
    public static final class Turn implements AutoCloseable {
        private boolean open = true;

        private Turn() {
        }

        @Override
        public void close() {
            if (open) {
                open = false;
                // not held after an interrupted yieldTurn
                if (TURN.isHeldByCurrentThread()) {
                    TURN.unlock();
                }
            }
        }
    }

    /** False where neither the compile queue nor compilation time can be read: settling cannot be seen. */
    public boolean measurable() {
        return diagnostics != null || jit != null;
    }

    /**
     * Call at the end of each fixed warm-up round: only the last one counts, as at most one quiet round, so settling
     * is always judged on at least one round run after the fixed ones ({@link #roundEnded}).
     */
    public void fixedRoundEnded() {
        quietRounds = quietSinceLast() ? 1 : 0;
    }

    /** Call at the end of each extra round: counts the rounds in a row that ended quiet ({@link #quietSinceLast}). */
    public void roundEnded() {
        quietRounds = quietSinceLast() ? quietRounds + 1 : 0;
    }

    /** Whether the last {@link #QUIET_ROUNDS} rounds in a row ended quiet: the warm-up's path is compiled. */
    public boolean settled() {
        return quietRounds >= QUIET_ROUNDS;
    }

    /** Whether the JIT was quiet for the watched packages since the previous call (or construction). */
    public boolean quietSinceLast() {
        final long now = totalMs();
        final long compileMs = now - lastMs;
        lastMs = now;
        final String codes = diagnostics == null ? null : diagnostics.codelist();
        final String queue = compilerQueue();
        final int queued = queue == null ? -1 : queued(queue);
        final Map<String, Integer> midTier = codes == null ? null : midTier(codes, packages);
        final Map<String, Integer> before = lastMidTier;
        lastMidTier = midTier;
        blockedOnC2 = queue != null && midTier != null && anyAt(midTier, TIER_C1_LIMITED_PROFILE)
            && c2QueueLength(queue) > c2QueueShort;
        if (queued < 0) {
            return compileMs < QUIET_MS;
        }
        if (queued > 0) {
            return false;
        }
        if (midTier == null) {
            return true;
        }
        return !moved(before, midTier) && !blockedOnC2;
    }

    /**
     * Whether the tier-2/3 set, or its tier-2 part, shrank from {@code before} to {@code now}: the warm-up still gets
     * code to tier 4 (or from tier 2 to a profiled tier 3). Counts, not names: with a hundred watched methods at tier
     * 2/3 one or another moves in most rounds, and a method that turns hot (interpreter to tier 3) offsets one that
     * leaves. False for the first round.
     */
    static boolean moved(final Map<String, Integer> before, final Map<String, Integer> now) {
        return before != null && (now.size() < before.size()
            || count(now, TIER_C1_LIMITED_PROFILE) < count(before, TIER_C1_LIMITED_PROFILE));
    }

    private static long count(final Map<String, Integer> midTier, final int tier) {
        return midTier.values().stream().filter(t -> t == tier).count();
    }

    private static boolean anyAt(final Map<String, Integer> midTier, final int tier) {
        return midTier.containsValue(tier);
    }

    /**
     * Watched methods (name and signature) whose best code in use is C1's profiled tier 2 or 3, with that tier, from
     * {@code Compiler.codelist} output; a method with tier-4 code in use (or OSR code beside it) is done.
     */
    static Map<String, Integer> midTier(final String codelist, final String[] packages) {
        final Map<String, Integer> best = new HashMap<>();
        for (final String line : codelist.split("\n")) {
            final Code code = Code.parse(line);
            if (code != null && code.state() == STATE_IN_USE && watched(code.method(), packages)) {
                best.merge(code.method(), code.tier(), Math::max);
            }
        }
        best.values().removeIf(t -> t < TIER_C1_LIMITED_PROFILE || t > TIER_C1_FULL_PROFILE);
        return best;
    }

    private static boolean watched(final String method, final String[] packages) {
        for (final String p : packages) {
            if (method.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    /**
     * One line of {@code Compiler.codelist}, e.g. {@code 2197 3 0 io.x.Foo.bar(J)V [0x.., 0x.. - 0x..]}.
     *
     * @param compileId HotSpot's compile id
     * @param tier 0 native wrapper, 1-3 C1, 4 C2
     * @param state 0 in use, 1 not entrant
     * @param method class, method name and signature
     */
    record Code(int compileId, int tier, int state, String method) {
        /** The line's code blob, or null for a line of another shape (the {@code PID:} header, blank lines). */
        static Code parse(final String line) {
            final String[] f = line.trim().split(" ", 5);
            if (f.length < 4 || !digits(f[0]) || !digits(f[1]) || !f[2].matches("-?\\d+")) {
                return null;
            }
            return new Code(Integer.parseInt(f[0]), Integer.parseInt(f[1]), Integer.parseInt(f[2]), f[3]);
        }

        private static boolean digits(final String s) {
            return !s.isEmpty() && s.chars().allMatch(Character::isDigit);
        }
    }

    /**
     * Entries of the C2 compile queue in {@code Compiler.queue} output (the lines under {@code C2 compile queue:}
     * up to the next blank line; {@code Empty} is none).
     */
    static int c2QueueLength(final String queue) {
        int n = 0;
        boolean inC2 = false;
        for (final String line : queue.split("\n")) {
            final String t = line.trim();
            if (t.startsWith("C2 compile queue")) {
                inC2 = true;
            } else if (inC2 && (t.isEmpty() || t.endsWith("compile queue:"))) {
                inC2 = false;
            } else if (inC2 && !"Empty".equals(t)) {
                n++;
            }
        }
        return n;
    }

    /**
     * Up to {@code max} watched methods at tier 2/3 now, as {@code Class.method@tier} (package and signature left
     * out), for a warm-up's log line: what the warm-up left for the first queries to compile; empty where the code
     * list cannot be read.
     */
    public List<String> midTierMethods(final int max) {
        final String codes = diagnostics == null ? null : diagnostics.codelist();
        final List<String> out = new ArrayList<>();
        if (codes == null) {
            return out;
        }
        for (final Map.Entry<String, Integer> e : midTier(codes, packages).entrySet()) {
            if (out.size() == max) {
                break;
            }
            out.add(shortName(e.getKey()) + "@" + e.getValue());
        }
        return out;
    }

    /**
     * Before rounds that resume after a pause (another warm-up ran meanwhile): forgets the quiet rounds counted and
     * takes the code list and compilation time of now as the next round's baseline.
     */
    public void resume() {
        quietSinceLast();
        quietRounds = 0;
    }

    /**
     * Watched methods at tier 2 now (C1 without profile, left there by a long C2 queue: they reach tier 4 only from
     * the profile of later calls), or -1 where the code list cannot be read.
     */
    public int limitedProfileCount() {
        final String codes = diagnostics == null ? null : diagnostics.codelist();
        return codes == null ? -1 : (int) count(midTier(codes, packages), TIER_C1_LIMITED_PROFILE);
    }

    /** Watched methods at tier 2/3 now, or -1 where the code list cannot be read. */
    public int midTierCount() {
        final String codes = diagnostics == null ? null : diagnostics.codelist();
        return codes == null ? -1 : midTier(codes, packages).size();
    }

    private static String shortName(final String method) {
        final int paren = method.indexOf('(');
        final String name = paren < 0 ? method : method.substring(0, paren);
        final int method0 = name.lastIndexOf('.');
        final int class0 = method0 <= 0 ? -1 : name.lastIndexOf('.', method0 - 1);
        return name.substring(class0 + 1);
    }

    /** Watched methods being compiled or queued, or -1 where the compile queue cannot be read. */
    public int queued() {
        final String queue = compilerQueue();
        return queue == null ? -1 : queued(queue);
    }

    private int queued(final String queue) {
        int n = 0;
        for (final String p : packages) {
            for (int at = queue.indexOf(p); at >= 0; at = queue.indexOf(p, at + p.length())) {
                n++;
            }
        }
        return n;
    }

    /**
     * Up to {@code max} watched methods being compiled or queued now, for a warm-up's log line when it did not
     * settle (which code kept the compilers busy); empty where the queue cannot be read.
     */
    public List<String> queuedMethods(final int max) {
        final String queue = compilerQueue();
        final List<String> out = new ArrayList<>();
        if (queue == null) {
            return out;
        }
        for (final String line : queue.split("\n")) {
            for (final String p : packages) {
                final int at = line.indexOf(p);
                if (at >= 0 && out.size() < max) {
                    final int end = line.indexOf(' ', at);
                    out.add(line.substring(at + p.length(), end < 0 ? line.length() : end));
                    break;
                }
            }
        }
        return out;
    }

    /** HotSpot's compile queue as {@code jcmd PID Compiler.queue} prints it, or null where it cannot be read. */
    private String compilerQueue() {
        return diagnostics == null ? null : diagnostics.compilerQueue();
    }

    /** The platform's DiagnosticCommand MBean, or null where it is missing. */
    private static Diagnostics platformDiagnostics() {
        try {
            final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            final ObjectName name = new ObjectName("com.sun.management:type=DiagnosticCommand");
            if (!server.isRegistered(name)) {
                return null;
            }
            return new Diagnostics() {
                @Override
                public String compilerQueue() {
                    return invoke("compilerQueue");
                }

                @Override
                public String codelist() {
                    return invoke("compilerCodelist");
                }

                private String invoke(final String command) {
                    try {
                        return (String) server.invoke(name, command, new Object[] {NO_ARGS}, SIGNATURE);
                    } catch (final JMException | RuntimeException e) {
                        return null;
                    }
                }
            };
        } catch (final JMException | RuntimeException e) {
            return null;
        }
    }

    private static CompilationMXBean compilationBean() {
        final CompilationMXBean bean = ManagementFactory.getCompilationMXBean();
        return bean != null && bean.isCompilationTimeMonitoringSupported() ? bean : null;
    }

    /** {@code Tier3DelayOff} x C2 compiler threads (HotSpot gives C2 two thirds of {@code CICompilerCount}). */
    private static int c2QueueShort() {
        try {
            final HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            final int delayOff = Integer.parseInt(hotspot.getVMOption("Tier3DelayOff").getValue());
            final int compilers = Integer.parseInt(hotspot.getVMOption("CICompilerCount").getValue());
            return delayOff * Math.max(1, compilers - Math.max(1, compilers / 3));
        } catch (final RuntimeException e) {
            return 2; // HotSpot's default Tier3DelayOff with one C2 thread
        }
    }

    private long totalMs() {
        return jit == null ? 0 : jit.getTotalCompilationTime();
    }
}
