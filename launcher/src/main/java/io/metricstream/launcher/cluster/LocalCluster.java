package io.metricstream.launcher.cluster;

import io.metricstream.runtime.config.ConfigLoader;
import io.metricstream.runtime.config.ConfigOutcome;
import io.metricstream.runtime.config.ConfigProblem;
import io.metricstream.runtime.config.ConfigProblems;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The docker-compose topology ({@link ClusterTopology}) as separate JVMs on loopback: one
 * {@code java -cp <this JVM's class path> io.metricstream.launcher.MetricStreamCli run <service>} per instance, wired
 * together by {@code METRICSTREAM_<SECTION>_<KEY>} environment overrides, each with its data under
 * {@code <dataDir>/<name>/}, its output in {@code <dataDir>/<name>.log} and its pid in {@code <dataDir>/<name>.pid}.
 * For crash and integration tests:
 * <pre>{@code
 * try (LocalCluster cluster = LocalCluster.builder(dir).basePort(ClusterTopology.freeBasePort()).build()) {
 *     cluster.start();                       // every instance /ready, or a ClusterException with its log tail
 *     post(cluster.url("ingestion") + "/metrics", body);
 *     cluster.kill9("storage-1");
 *     cluster.restart("storage-1");          // same ports and data directory, waits for /ready
 * }                                          // close() = stop(): SIGTERM, SIGKILL after 5 s
 * }</pre>
 * Thread-safe (every public method is synchronized). Unless {@link Builder#detached(boolean) detached}, a shutdown hook
 * kills the children when this JVM exits, so a crashed test leaves no processes behind.
 */
public final class LocalCluster implements AutoCloseable {
    private static final String MAIN_CLASS = "io.metricstream.launcher.MetricStreamCli";
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final int LOG_TAIL_LINES = 40;

    // immutable after construction
    private final ClusterTopology topology;
    private final ClusterState state;
    private final Optional<Path> configFile;
    private final List<String> jvmOptions;
    private final Map<String, String> extraEnv;
    private final boolean detached;
    private final Duration readyTimeout;
    private final Duration stopGrace;

    // guarded by this
    private final Map<String, Process> processes = new ConcurrentHashMap<>();
    private Thread shutdownHook;

    private LocalCluster(Builder b) {
        this.topology = ClusterTopology.compose(b.basePort);
        this.state = new ClusterState(b.dataDir.toAbsolutePath(), b.basePort);
        this.configFile = Optional.ofNullable(b.configFile).map(Path::toAbsolutePath);
        this.jvmOptions = List.copyOf(b.jvmOptions);
        this.extraEnv = Map.copyOf(b.env);
        this.detached = b.detached;
        this.readyTimeout = b.readyTimeout;
        this.stopGrace = b.stopGrace;
    }

    /** A builder for a cluster whose files live under {@code dataDir}. */
    public static Builder builder(Path dataDir) {
        return new Builder(dataDir);
    }

    /** The instances and their ports. */
    public ClusterTopology topology() {
        return topology;
    }

    /** The data directory: pid files, logs, {@code cluster.properties} and one data directory per instance. */
    public Path dataDir() {
        return state.dataDir();
    }

    /** {@code http://127.0.0.1:<port>} of instance {@code name}. */
    public String url(String name) {
        return topology.instance(name).url();
    }

    /** {@code 127.0.0.1:<port>} of instance {@code name}'s binary port ("" when it has none). */
    public String binaryAddress(String name) {
        return topology.instance(name).binaryAddress();
    }

    /** The output of instance {@code name}. */
    public Path logFile(String name) {
        return state.logFile(name);
    }

    /** The pid of instance {@code name}'s running process; an instance that is not running is a misuse. */
    public synchronized long pid(String name) {
        return running(name).pid();
    }

    /** True when instance {@code name} runs and its {@code /ready} answers 200. */
    public boolean isReady(String name) {
        final Process p = processes.get(name);
        return p != null && p.isAlive() && ReadyProbe.status(url(name) + "/ready") == 200;
    }

    /**
     * Starts every instance, dependencies first (an instance starts once everything it depends on is ready), and
     * returns when all answer {@code /ready} 200. On any failure (bad wiring, port in use, a process exits, the
     * ready timeout passes) it stops what it started and throws a {@link ClusterException} naming the instance.
     */
    public synchronized void start() {
        if (!processes.isEmpty()) {
            throw new IllegalStateException("cluster already started");
        }
        final List<String> problems = new ArrayList<>(wiringProblems());
        final List<String> busy = topology.portsInUse();
        if (!busy.isEmpty()) {
            problems.add("ports in use: " + String.join(", ", busy) + "; choose another base port");
        }
        if (!problems.isEmpty()) {
            throw new ClusterException("cannot start the cluster:\n  " + String.join("\n  ", problems));
        }
        state.write();
        installShutdownHook();
        try {
            startInDependencyOrder();
        } catch (RuntimeException | Error e) {
            stop();
            throw e;
        }
    }

    private void startInDependencyOrder() {
        final long deadline = System.nanoTime() + readyTimeout.toNanos();
        final Set<String> ready = new HashSet<>();
        while (ready.size() < topology.instances().size()) {
            for (ClusterInstance i : topology.instances()) {
                if (!processes.containsKey(i.name()) && ready.containsAll(i.dependsOn())) {
                    launch(i);
                }
            }
            for (String name : processes.keySet()) {
                if (!ready.contains(name) && checkReady(name)) {
                    ready.add(name);
                }
            }
            if (System.nanoTime() - deadline > 0) {
                final List<String> waiting = new ArrayList<>(topology.names());
                waiting.removeAll(ready);
                throw new ClusterException("not ready within " + readyTimeout.toSeconds() + " s: " + waiting
                    + "; log of " + waiting.getFirst() + ":\n" + logTail(waiting.getFirst()));
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    /** Stops every instance (SIGTERM, SIGKILL after the grace period) in reverse dependency order. Idempotent. */
    public synchronized void stop() {
        final Map<String, ProcessHandle> live = new LinkedHashMap<>();
        processes.forEach((name, p) -> live.put(name, p.toHandle()));
        ClusterShutdown.stopAll(topology, live, stopGrace);
        for (String name : live.keySet()) {
            forget(name);
        }
        removeShutdownHook();
    }

    /** Stops instance {@code name} gracefully (SIGKILL after the grace period); true when SIGTERM sufficed. */
    public synchronized boolean stop(String name) {
        final boolean graceful = ClusterShutdown.stop(running(name).toHandle(), stopGrace);
        forget(name);
        return graceful;
    }

    /** Kills instance {@code name} with SIGKILL and waits until it is gone; returns its exit code (137). */
    public synchronized int kill9(String name) {
        final Process p = running(name);
        ClusterShutdown.kill(p.toHandle());
        forget(name);
        try {
            return p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("interrupted waiting for " + name + " to exit");
        }
    }

    /**
     * Starts instance {@code name} again with the same ports and data directory (stopping it first when it still
     * runs) and waits until it is ready.
     */
    public synchronized void restart(String name) {
        if (processes.containsKey(name)) {
            stop(name);
        }
        final ClusterInstance i = topology.instance(name);
        installShutdownHook();
        launch(i);
        final long deadline = System.nanoTime() + readyTimeout.toNanos();
        while (!checkReady(name)) {
            if (System.nanoTime() - deadline > 0) {
                throw new ClusterException(name + " not ready within " + readyTimeout.toSeconds() + " s after restart;"
                    + " log:\n" + logTail(name));
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    /** The problems {@code run} would report for each instance's config (file + environment); empty when wired. */
    List<String> wiringProblems() {
        final List<String> out = new ArrayList<>();
        final ConfigLoader loader = new ConfigLoader(ServiceCatalog.table());
        for (ClusterInstance i : topology.instances()) {
            final ConfigOutcome outcome = loader.load(configFile, environment(i), Map.of());
            if (outcome instanceof ConfigProblems problems) {
                for (ConfigProblem p : problems.problems()) {
                    out.add(i.name() + ": " + p);
                }
            }
        }
        return out;
    }

    /** The child's environment: this JVM's, the builder's extra variables, then the instance's wiring. */
    Map<String, String> environment(ClusterInstance instance) {
        final Map<String, String> env = new HashMap<>(System.getenv());
        env.putAll(extraEnv);
        topology.settings(instance, state.dataDir()).forEach((k, v) -> env.put(ClusterTopology.envName(k), v));
        return env;
    }

    /** The command line of instance {@code instance}'s JVM. */
    List<String> command(ClusterInstance instance) {
        final List<String> cmd = new ArrayList<>();
        if (detached) {
            setsid().ifPresent(cmd::add);
        }
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(MAIN_CLASS);
        cmd.add("run");
        cmd.add(instance.service());
        configFile.ifPresent(f -> {
            cmd.add("--config");
            cmd.add(f.toString());
        });
        return cmd;
    }

    private void launch(ClusterInstance instance) {
        // The data directory is the working directory, so a stray ./metricstream.yml never changes an instance.
        final ProcessBuilder pb = new ProcessBuilder(command(instance)).directory(state.dataDir().toFile());
        pb.environment().clear();
        pb.environment().putAll(environment(instance));
        final File devNull = new File("/dev/null");
        if (devNull.exists()) {
            pb.redirectInput(ProcessBuilder.Redirect.from(devNull));
        }
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(logFile(instance.name())
            .toFile()));
        try {
            Files.createDirectories(state.dataDir().resolve(instance.name()));
            final Process p = pb.start();
            processes.put(instance.name(), p);
            PidFile.of(p.toHandle()).write(state.pidFile(instance.name()));
        } catch (IOException e) {
            throw new ClusterException("cannot start " + instance.name() + ": " + e.getMessage());
        }
    }

    private boolean checkReady(String name) {
        final Process p = processes.get(name);
        if (!p.isAlive()) {
            throw new ClusterException(name + " exited with " + p.exitValue() + "; log:\n" + logTail(name));
        }
        return ReadyProbe.status(url(name) + "/ready") == 200;
    }

    private Process running(String name) {
        topology.instance(name);
        final Process p = processes.get(name);
        if (p == null) {
            throw new IllegalStateException(name + " is not running");
        }
        return p;
    }

    private void forget(String name) {
        processes.remove(name);
        try {
            Files.deleteIfExists(state.pidFile(name));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + state.pidFile(name), e);
        }
    }

    /** The last lines of instance {@code name}'s log, for failure messages. */
    public String logTail(String name) {
        try {
            final List<String> lines = Files.readAllLines(logFile(name), StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "<no log: " + e.getMessage() + ">";
        }
    }

    private void installShutdownHook() {
        if (detached || shutdownHook != null) {
            return;
        }
        final Map<String, Process> children = processes;
        shutdownHook = new Thread(() -> children.values().forEach(Process::destroyForcibly), "local-cluster-reaper");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    private void removeShutdownHook() {
        if (shutdownHook == null) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook runs anyway and finds nothing left
        }
        shutdownHook = null;
    }

    private static Optional<String> setsid() {
        for (String candidate : List.of("/usr/bin/setsid", "/bin/setsid")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Options of a {@link LocalCluster}; every one has a default. */
    public static final class Builder {
        private final Path dataDir;
        private int basePort = ClusterTopology.DEFAULT_BASE_PORT;
        private Path configFile;
        private final List<String> jvmOptions = new ArrayList<>(List.of("-Xms64m", "-Xmx512m",
            "-XX:+ExitOnOutOfMemoryError", "--enable-native-access=ALL-UNNAMED"));
        private final Map<String, String> env = new LinkedHashMap<>();
        private boolean detached;
        private Duration readyTimeout = Duration.ofSeconds(60);
        private Duration stopGrace = ClusterShutdown.DEFAULT_GRACE;

        private Builder(Path dataDir) {
            this.dataDir = dataDir;
            // the children run this JVM's java: from JDK 24 Netty's Unsafe paths need this (see ./metricstream)
            if (Runtime.version().feature() >= 23) {
                jvmOptions.add("--sun-misc-unsafe-memory-access=allow");
            }
        }

        /** First port of the instances' port block (default 17070; see {@link ClusterTopology}). */
        public Builder basePort(int port) {
            ClusterTopology.compose(port);
            this.basePort = port;
            return this;
        }

        /** A YAML config file every instance loads (its wiring keys are still overridden by the environment). */
        public Builder configFile(Path file) {
            this.configFile = file;
            return this;
        }

        /** Adds JVM options for every instance (after the defaults -Xmx512m and friends, so later ones win). */
        public Builder jvmOptions(List<String> options) {
            this.jvmOptions.addAll(options);
            return this;
        }

        /** Adds an environment variable for every instance, e.g. {@code METRICSTREAM_GLOBAL_PROFILE=test}. */
        public Builder env(String name, String value) {
            this.env.put(name, value);
            return this;
        }

        /**
         * Whether the processes outlive this JVM (the {@code cluster up} command): they start in their own session
         * (setsid, when installed) and no shutdown hook kills them. Default false.
         */
        public Builder detached(boolean value) {
            this.detached = value;
            return this;
        }

        /** Bound on {@link LocalCluster#start()} and {@link LocalCluster#restart(String)} (default 60 s). */
        public Builder readyTimeout(Duration timeout) {
            this.readyTimeout = timeout;
            return this;
        }

        /** Time between SIGTERM and SIGKILL when stopping (default 5 s). */
        public Builder stopGrace(Duration grace) {
            this.stopGrace = grace;
            return this;
        }

        /** The cluster (nothing runs until {@link LocalCluster#start()}). */
        public LocalCluster build() {
            return new LocalCluster(this);
        }
    }
}
