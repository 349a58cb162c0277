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

    /** Runs the CLI and exits with the command's code. */
    public static void main(String[] args) {
        System.exit(commandLine(new MetricStreamCli()).execute(args));
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
