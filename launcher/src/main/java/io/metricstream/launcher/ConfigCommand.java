package io.metricstream.launcher;

import io.metricstream.runtime.config.ConfigKey;
import io.metricstream.runtime.config.ConfigLoader;
import io.metricstream.runtime.config.ConfigOutcome;
import io.metricstream.runtime.config.ConfigProblem;
import io.metricstream.runtime.config.ConfigProblems;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code config check [file]} and {@code config keys}. */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Validate configuration or list its keys.",
    subcommands = {ConfigCommand.Check.class, ConfigCommand.Keys.class})
final class ConfigCommand {
    @ParentCommand
    MetricStreamCli cli;

    /** Validates a file plus the environment; prints every problem (exit 2) or "ok: FILE" (exit 0). */
    @Command(name = "check", mixinStandardHelpOptions = true,
        description = "Validate a config file plus METRICSTREAM_* environment overrides.")
    static final class Check implements Callable<Integer> {
        @ParentCommand
        ConfigCommand parent;

        @Spec
        CommandSpec spec;

        @Parameters(arity = "0..1", paramLabel = "FILE", description = "File to check (default ./metricstream.yml).")
        Path file;

        @Override
        public Integer call() {
            final Optional<Path> f = file != null ? Optional.of(file)
                : Files.isRegularFile(ConfigOptions.DEFAULT_FILE) ? Optional.of(ConfigOptions.DEFAULT_FILE)
                : Optional.empty();
            final ConfigOutcome out = new ConfigLoader(Services.table()).load(f, parent.cli.env, Map.of());
            if (out instanceof ConfigProblems problems) {
                printProblems(spec.commandLine().getErr(), problems);
                return MetricStreamCli.EXIT_CONFIG;
            }
            spec.commandLine().getOut().println("ok: " + f.map(Path::toString).orElse("(defaults)"));
            return 0;
        }
    }

    /** Prints the key table; the README's config table is generated from {@code --format markdown}. */
    @Command(name = "keys", mixinStandardHelpOptions = true, description = "List every config key.")
    static final class Keys implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--format", defaultValue = "text",
            description = "text or markdown (default: ${DEFAULT-VALUE}).")
        String format;

        @Override
        public Integer call() {
            final PrintWriter out = spec.commandLine().getOut();
            final List<ConfigKey<?>> keys = Services.table().keys();
            if ("markdown".equals(format)) {
                out.println("| key | type | default | unit | env | description |");
                out.println("| --- | --- | --- | --- | --- | --- |");
                for (ConfigKey<?> k : keys) {
                    out.printf(Locale.ROOT, "| `%s` | %s | `%s` | %s | `%s` | %s |%n", k.name(), k.type().name(),
                        k.defaultText(), k.unit(), k.envName(), k.doc());
                }
            } else {
                out.printf(Locale.ROOT, "%-28s %-9s %-16s %-6s %s%n", "KEY", "TYPE", "DEFAULT", "UNIT", "DOC");
                for (ConfigKey<?> k : keys) {
                    out.printf(Locale.ROOT, "%-28s %-9s %-16s %-6s %s%n", k.name(), k.type().name(), k.defaultText(),
                        k.unit(), k.doc());
                }
            }
            out.flush();
            return 0;
        }
    }

    static void printProblems(PrintWriter err, ConfigProblems problems) {
        for (ConfigProblem p : problems.problems()) {
            err.println(p);
        }
        err.println(problems.problems().size() + " config problem(s)");
        err.flush();
    }
}
