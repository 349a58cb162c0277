package io.metricstream.runtime.lifecycle;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
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
 * storage. Not thread-safe.
 */
public final class JitActivity {
    /** Quiet rounds in a row that count as settled: a method may turn hot again in the round after its compile. */
    public static final int QUIET_ROUNDS = 2;
    /** Without the compile queue: compilation time of a round below which it is quiet (one small C2 compile). */
    public static final long QUIET_MS = 15;
    private static final String[] NO_ARGS = {};
    private static final String[] SIGNATURE = {String[].class.getName()};

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
        if (diagnostics == null) {
            return -1;
        }
        final String queue;
        try {
            queue = (String) server.invoke(diagnostics, "compilerQueue", new Object[] {NO_ARGS}, SIGNATURE);
        } catch (final JMException | RuntimeException e) {
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

    private long totalMs() {
        return jit == null ? 0 : jit.getTotalCompilationTime();
    }
}
