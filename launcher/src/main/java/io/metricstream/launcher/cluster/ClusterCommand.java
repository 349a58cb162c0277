package io.metricstream.launcher.cluster;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cluster up|down|status}: the docker-compose topology as separate JVMs on this host (see {@link LocalCluster}).
 * {@code up} returns once every instance is ready and leaves them running; {@code down} and {@code status} find them
 * from another shell through the pid files in the data directory.
 */
@Command(name = "cluster", mixinStandardHelpOptions = true,
    description = "Run the docker-compose topology as separate processes on loopback.",
    subcommands = {ClusterCommand.Up.class, ClusterCommand.Down.class, ClusterCommand.Status.class})
public final class ClusterCommand implements Runnable {
    /** Default data directory of {@code cluster} commands. */
    static final Path DEFAULT_DATA_DIR = Path.of("data", "cluster");
    /** Exit code when a cluster is not (all) running or ready. */
    static final int EXIT_NOT_RUNNING = 1;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code cluster up}: start every instance detached, wait until all are ready, print their URLs. */
    @Command(name = "up", mixinStandardHelpOptions = true,
        description = "Start queue, storage-1, storage-2, ingestion, query and alert as separate JVMs; wait until"
            + " every /ready answers 200; print the URLs.")
    static final class Up implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--base-port", paramLabel = "PORT", defaultValue = "" + ClusterTopology.DEFAULT_BASE_PORT,
            description = "First of the " + ClusterTopology.PORT_SPAN + " ports the instances use"
                + " (default: ${DEFAULT-VALUE}).")
        int basePort;

        @Mixin
        DataDirOption dir = new DataDirOption();

        @Option(names = "--config", paramLabel = "FILE",
            description = "YAML config every instance loads (default: ./metricstream.yml when it exists).")
        Path config;

        @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "How long to wait for every instance to be ready (default: ${DEFAULT-VALUE}).")
        int timeoutSeconds;

        @Option(names = "--jvm-opt", paramLabel = "OPTION", description = "Extra JVM option per instance; repeatable.")
        List<String> jvmOptions = new ArrayList<>();

        @Option(names = "--env", paramLabel = "NAME=VALUE",
            description = "Extra environment variable per instance (e.g. METRICSTREAM_GLOBAL_PROFILE=prod);"
                + " repeatable.")
        Map<String, String> env = new LinkedHashMap<>();

        @Override
        public Integer call() {
            final PrintWriter out = spec.commandLine().getOut();
            final PrintWriter err = spec.commandLine().getErr();
            final Optional<ClusterState> existing = ClusterState.read(dir.dataDir);
            if (existing.isPresent()) {
                final List<String> alive = existing.get().topology().names().stream()
                    .filter(n -> existing.get().liveProcess(n).isPresent()).toList();
                if (!alive.isEmpty()) {
                    err.println("a cluster already runs in " + dir.dataDir + " (" + String.join(", ", alive)
                        + "); run 'metricstream cluster down" + dataDirFlag(dir.dataDir) + "' first");
                    err.flush();
                    return EXIT_NOT_RUNNING;
                }
            }
            final Path file = config != null ? config
                : Files.isRegularFile(Path.of("metricstream.yml")) ? Path.of("metricstream.yml") : null;
            final LocalCluster.Builder b = LocalCluster.builder(dir.dataDir).basePort(basePort).detached(true)
                .readyTimeout(Duration.ofSeconds(timeoutSeconds)).jvmOptions(jvmOptions).configFile(file);
            env.forEach(b::env);
            final LocalCluster cluster = b.build();
            try {
                cluster.start();
            } catch (ClusterException e) {
                err.println("cluster up failed: " + e.getMessage());
                err.flush();
                return EXIT_NOT_RUNNING;
            }
            for (ClusterInstance i : cluster.topology().instances()) {
                out.printf(Locale.ROOT, "%-10s %-24s %-18s pid %-8d log %s%n", i.name(), i.url(),
                    i.binaryPort() == 0 ? "" : "binary " + i.binaryAddress(), cluster.pid(i.name()),
                    cluster.logFile(i.name()));
            }
            out.println("cluster ready; 'metricstream cluster down" + dataDirFlag(dir.dataDir) + "' stops it");
            out.flush();
            return 0;
        }
    }

    /** {@code cluster down}: SIGTERM every instance in reverse dependency order, SIGKILL after 5 s. */
    @Command(name = "down", mixinStandardHelpOptions = true,
        description = "Stop the cluster started from this data directory (SIGTERM, then SIGKILL after 5 s).")
    static final class Down implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        DataDirOption dir = new DataDirOption();

        @Override
        public Integer call() throws Exception {
            final PrintWriter out = spec.commandLine().getOut();
            final Optional<ClusterState> state = ClusterState.read(dir.dataDir);
            if (state.isEmpty()) {
                out.println("no cluster in " + dir.dataDir);
                out.flush();
                return 0;
            }
            final ClusterState s = state.get();
            final Map<String, ProcessHandle> live = new LinkedHashMap<>();
            for (String name : s.topology().names()) {
                s.liveProcess(name).ifPresent(h -> live.put(name, h));
            }
            final List<String> killed = ClusterShutdown.stopAll(s.topology(), live, ClusterShutdown.DEFAULT_GRACE);
            for (String name : s.topology().names()) {
                Files.deleteIfExists(s.pidFile(name));
                if (live.containsKey(name)) {
                    out.println(name + " stopped" + (killed.contains(name) ? " (SIGKILL after 5 s)" : ""));
                }
            }
            out.println(live.isEmpty() ? "nothing was running"
                : "cluster down; data and logs kept in " + dir.dataDir);
            out.flush();
            return 0;
        }
    }

    /** {@code cluster status}: pid and /ready of each instance; exit 0 only when every one is ready. */
    @Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show each instance's pid and readiness; exit 0 only when all are ready.")
    static final class Status implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        DataDirOption dir = new DataDirOption();

        @Override
        public Integer call() {
            final PrintWriter out = spec.commandLine().getOut();
            final Optional<ClusterState> state = ClusterState.read(dir.dataDir);
            if (state.isEmpty()) {
                out.println("no cluster in " + dir.dataDir);
                out.flush();
                return EXIT_NOT_RUNNING;
            }
            int ready = 0;
            out.printf(Locale.ROOT, "%-10s %-8s %-9s %s%n", "NAME", "PID", "STATE", "URL");
            for (ClusterInstance i : state.get().topology().instances()) {
                final Optional<ProcessHandle> p = state.get().liveProcess(i.name());
                final String st;
                if (p.isEmpty()) {
                    st = "down";
                } else if (ReadyProbe.status(i.url() + "/ready") == 200) {
                    st = "ready";
                    ready++;
                } else {
                    st = "not-ready";
                }
                out.printf(Locale.ROOT, "%-10s %-8s %-9s %s%n", i.name(), p.map(h -> Long.toString(h.pid()))
                    .orElse("-"), st, i.url());
            }
            final int total = state.get().topology().instances().size();
            out.println(ready + "/" + total + " ready");
            out.flush();
            return ready == total ? 0 : EXIT_NOT_RUNNING;
        }
    }

    /** The {@code --data-dir} option every cluster subcommand shares. */
    static final class DataDirOption {
        @Option(names = "--data-dir", paramLabel = "DIR",
            description = "The cluster's directory: data, logs and pid files (default: data/cluster).")
        Path dataDir = DEFAULT_DATA_DIR;
    }

    private static String dataDirFlag(Path dataDir) {
        return dataDir.equals(DEFAULT_DATA_DIR) ? "" : " --data-dir " + dataDir;
    }
}
