package io.metricstream.launcher;

import io.metricstream.loadgen.LoadgenCli;
import io.metricstream.runtime.logging.LogProfiles;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code loadgen …}: the load generator, verifier and scenarios of the loadgen module, with its own options. */
@Command(name = "loadgen", description = "Generate load, run scenarios, verify acknowledged samples "
    + "(every option of the loadgen CLI; try 'loadgen --help').")
final class LoadgenCommand implements Callable<Integer> {
    /** Every argument after {@code loadgen}, in order (options included: see {@link MetricStreamCli#commandLine}). */
    @Parameters(arity = "0..*", hidden = true)
    List<String> args = List.of();

    @Override
    public Integer call() {
        LogProfiles.apply("test", "WARN"); // the report is the output; library chatter only when something is wrong
        return LoadgenCli.run(args.toArray(String[]::new), new PrintStream(System.out, true, StandardCharsets.UTF_8),
            new PrintStream(System.err, true, StandardCharsets.UTF_8));
    }
}
