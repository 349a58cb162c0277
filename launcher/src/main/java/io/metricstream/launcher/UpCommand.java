package io.metricstream.launcher;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code up}: every service in one JVM on shared event loops, until Ctrl-C or SIGTERM (then exit 0 within 5 s). */
@Command(name = "up", mixinStandardHelpOptions = true,
    description = "Run all five services in one JVM (data under ./data unless --data-dir or global.data_dir).")
final class UpCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config = new ConfigOptions();

    @Option(names = "--no-signal-handlers", hidden = true, description = "For in-process tests.")
    boolean noSignalHandlers;

    @Spec
    CommandSpec spec;

    final HostRunner runner = new HostRunner();

    @Override
    public Integer call() throws Exception {
        config.embedded = true;
        return runner.run(spec.commandLine(), config, Services.all(), !noSignalHandlers);
    }
}
