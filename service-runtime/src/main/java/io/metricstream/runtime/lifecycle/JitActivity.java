package io.metricstream.runtime.lifecycle;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
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
 * ending quiet, so side by side neither settled. Not thread-safe.
 */
public final class JitActivity {
    /** Quiet rounds in a row that count as settled: a method may turn hot again in the round after its compile. */
    public static final int QUIET_ROUNDS = 2;
    /** Without the compile queue: compilation time of a round below which it is quiet (one small C2 compile). */
    public static final long QUIET_MS = 15;
    private static final String[] NO_ARGS = {};
    private static final String[] SIGNATURE = {String[].class.getName()};
    /** Held by the warm-up that runs; fair, so they run in the order they asked. */
    private static final ReentrantLock TURN = new ReentrantLock(true);

    private final String[] packages;
    private final CompilationMXBean jit;
    private final MBeanServer server;
    private final ObjectName diagnostics;
    private long lastMs;
    private int quietRounds;

    /** Watching methods whose class names start with one of {@code packages} ({@code "io.metricstream.query."}). */
    public JitActivity(final String... packages) {
        this.packages = packages.clone();
        final CompilationMXBean bean = ManagementFactory.getCompilationMXBean();
        jit = bean != null && bean.isCompilationTimeMonitoringSupported() ? bean : null;
        MBeanServer s = null;
        ObjectName name = null;
        try {
            s = ManagementFactory.getPlatformMBeanServer();
            name = new ObjectName("com.sun.management:type=DiagnosticCommand");
            if (!s.isRegistered(name)) {
                name = null;
            }
        } catch (final JMException | RuntimeException e) {
            name = null;
        }
        server = s;
        diagnostics = name;
        lastMs = totalMs();
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

    /** A warm-up's turn: close it (once, on the thread that took it) when the warm-up ends. */
    public static final class Turn implements AutoCloseable {
        private boolean open = true;

        private Turn() {
        }

        @Override
        public void close() {
            if (open) {
                open = false;
                TURN.unlock();
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
        final int queued = queued();
        return queued >= 0 ? queued == 0 : compileMs < QUIET_MS;
    }

    /** Watched methods being compiled or queued, or -1 where the compile queue cannot be read. */
    public int queued() {
        final String queue = compilerQueue();
        if (queue == null) {
            return -1;
        }
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
        if (diagnostics == null) {
            return null;
        }
        try {
            return (String) server.invoke(diagnostics, "compilerQueue", new Object[] {NO_ARGS}, SIGNATURE);
        } catch (final JMException | RuntimeException e) {
            return null;
        }
    }

    private long totalMs() {
        return jit == null ? 0 : jit.getTotalCompilationTime();
    }
}
