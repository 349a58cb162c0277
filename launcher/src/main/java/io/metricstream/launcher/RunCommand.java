package io.metricstream.launcher;

import io.metricstream.runtime.lifecycle.Service;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code run <service>}: one service per JVM, as containers run it. */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Run one service (what containers use).")
final class RunCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SERVICE", description = "One of: queue, storage, ingestion, query, alert.")
    String service;

    @Mixin
    ConfigOptions config = new ConfigOptions();

    @Option(names = "--no-signal-handlers", hidden = true, description = "For in-process tests.")
    boolean noSignalHandlers;

    @Spec
    CommandSpec spec;

    final HostRunner runner = new HostRunner();

    @Override
    public Integer call() throws Exception {
        final List<Service> chosen = Services.all().stream().filter(s -> s.name().equals(service)).toList();
        if (chosen.isEmpty()) {
            spec.commandLine().getErr().println("unknown service: got \"" + service + "\"; want one of "
                + String.join(", ", Services.names()));
            spec.commandLine().getErr().flush();
            return 2;
        }
        return runner.run(spec.commandLine(), config, chosen, !noSignalHandlers);
    }
}
