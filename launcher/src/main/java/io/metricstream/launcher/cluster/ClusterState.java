package io.metricstream.launcher.cluster;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * What {@code cluster status} and {@code cluster down} need to find a cluster started by another process: the data
 * directory holds {@code cluster.properties} ({@code base_port}) next to one {@code <instance>.pid} and one
 * {@code <instance>.log} per instance, and {@code <instance>/} with the instance's data.
 *
 * @param dataDir  the cluster's data directory
 * @param basePort the first port of its block (see {@link ClusterTopology})
 */
public record ClusterState(Path dataDir, int basePort) {
    /** File name of the state file. */
    public static final String FILE = "cluster.properties";

    /** The topology the cluster was started with. */
    public ClusterTopology topology() {
        return ClusterTopology.compose(basePort);
    }

    /** {@code <dataDir>/<name>.pid}. */
    public Path pidFile(String name) {
        return dataDir.resolve(name + ".pid");
    }

    /** {@code <dataDir>/<name>.log}. */
    public Path logFile(String name) {
        return dataDir.resolve(name + ".log");
    }

    /** Writes {@code cluster.properties}. */
    public void write() {
        final Properties p = new Properties();
        p.setProperty("base_port", Integer.toString(basePort));
        p.setProperty("instances", String.join(",", topology().names()));
        try {
            Files.createDirectories(dataDir);
            try (Writer w = Files.newBufferedWriter(dataDir.resolve(FILE), StandardCharsets.UTF_8)) {
                p.store(w, "metricstream cluster");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dataDir.resolve(FILE), e);
        }
    }

    /** The state in {@code dataDir}; empty when no cluster was started there (or the file is unreadable). */
    public static Optional<ClusterState> read(Path dataDir) {
        final Path file = dataDir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        final Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
            return Optional.of(new ClusterState(dataDir, Integer.parseInt(p.getProperty("base_port", "").trim())));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The live process of instance {@code name}, per its pid file. */
    public Optional<ProcessHandle> liveProcess(String name) {
        return PidFile.read(pidFile(name)).flatMap(PidFile::liveProcess);
    }
}
