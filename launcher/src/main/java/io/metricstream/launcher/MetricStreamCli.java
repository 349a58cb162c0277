package io.metricstream.launcher;

import io.metricstream.launcher.cluster.ClusterCommand;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code metricstream}: the entry point of the launcher script and of containers. */
@Command(name = "metricstream", mixinStandardHelpOptions = true, version = "metricstream 0.1.0-SNAPSHOT",
    description = "MetricStream: ingestion, queue, storage, query and alert services.",
    subcommands = {UpCommand.class, RunCommand.class, ConfigCommand.class, ClusterCommand.class,
        InspectCommand.class, LoadgenCommand.class})
public final class MetricStreamCli implements Runnable {
    /** Exit code for configuration problems. */
    static final int EXIT_CONFIG = 2;

    /** The environment the commands read overrides from (replaceable in tests). */
    Map<String, String> env = System.getenv();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Netty's system property for its buffer leak detector. */
    static final String LEAK_DETECTION = "io.netty.leakDetection.level";

    /** Runs the CLI and exits with the command's code. */
    public static void main(String[] args) {
        productionDefaults();
        System.exit(commandLine(new MetricStreamCli()).execute(args));
    }

    /**
     * Turns Netty's leak detector off unless the user set its level ({@code -Dio.netty.leakDetection.level=simple} in
     * METRICSTREAM_JAVA_OPTS or JDK_JAVA_OPTIONS turns it back on). Its default level wraps one buffer in 128, and
     * every slice of it, in a leak-aware class that compiled code first meets long after start-up: in the measured
     * ingest pass that class alone deoptimised the record walk, CRC and local channel reads (compiler threads
     * 0.16-0.30 us/sample with it, 0.08 without, loadgen/bench/ingest.sh). The tests run every buffer at
     * {@code paranoid} instead (root pom). Must run before the first Netty class initializes.
     */
    static void productionDefaults() {
        if (System.getProperty(LEAK_DETECTION) == null) {
            System.setProperty(LEAK_DETECTION, "disabled");
        }
    }

    /** The picocli command line; {@code loadgen} passes every argument, options included, to the loadgen CLI. */
    static CommandLine commandLine(MetricStreamCli cli) {
        final CommandLine cmd = new CommandLine(cli);
        cmd.getSubcommands().get("loadgen").setUnmatchedOptionsArePositionalParams(true);
        return cmd;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
