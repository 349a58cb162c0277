package io.metricstream.launcher;

import io.metricstream.runtime.config.Config;
import io.metricstream.runtime.config.ConfigOutcome;
import io.metricstream.runtime.config.ConfigProblems;
import io.metricstream.runtime.config.GlobalConfig;
import io.metricstream.runtime.lifecycle.EmbeddedHost;
import io.metricstream.runtime.lifecycle.Service;
import io.metricstream.runtime.lifecycle.ServiceHost;
import io.metricstream.runtime.logging.LogProfiles;
import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import picocli.CommandLine;

/**
 * Shared body of {@code up} and {@code run}: load config (exit 2 with every problem), start services, print their
 * URLs, wait for INT/TERM, shut down gracefully and return 0.
 *
 * <p>Design note: a plain shutdown hook would make the JVM exit 130/143, so SIGINT and SIGTERM get
 * {@code sun.misc.Signal} handlers that only release {@link #stop}; the command thread then shuts down and returns
 * 0. The handlers are installed by reflection because javac warns about {@code sun.misc} (and we build with
 * {@code -Werror}); a second signal exits at once.
 */
final class HostRunner {
    private final CountDownLatch stop = new CountDownLatch(1);
    private volatile EmbeddedHost host;

    /** The running host, or null before start and after stop. */
    EmbeddedHost host() {
        return host;
    }

    /** Asks a running command to shut down (what the signal handlers do). */
    void stop() {
        stop.countDown();
    }

    int run(CommandLine cmd, ConfigOptions options, List<Service> services, boolean signals) throws Exception {
        final PrintWriter out = cmd.getOut();
        final PrintWriter err = cmd.getErr();
        final MetricStreamCli cli = (MetricStreamCli) root(cmd).getCommand();
        final ConfigOutcome outcome = options.load(cli.env);
        if (outcome instanceof ConfigProblems problems) {
            ConfigCommand.printProblems(err, problems);
            return MetricStreamCli.EXIT_CONFIG;
        }
        final Config config = (Config) outcome;
        LogProfiles.apply(config.get(GlobalConfig.PROFILE), config.get(GlobalConfig.LOG_LEVEL));
        if (signals) {
            installSignalHandlers();
        }
        final EmbeddedHost started;
        try {
            started = EmbeddedHost.start(config, services);
        } catch (Exception e) {
            err.println("cannot start: " + e.getMessage());
            err.flush();
            return 1;
        }
        host = started;
        for (ServiceHost h : started.hosts()) {
            out.printf(Locale.ROOT, "%-10s %s%s%n", h.name(), h.httpAddresses().stream()
                .map(a -> "http://" + hostPort(a)).collect(Collectors.joining(" ")), h.binaryAddresses().isEmpty() ? ""
                : "  binary " + h.binaryAddresses().stream().map(HostRunner::hostPort)
                .collect(Collectors.joining(" ")));
        }
        out.println("data in " + config.get(GlobalConfig.DATA_DIR) + "; Ctrl-C stops");
        out.flush();
        stop.await();
        started.close();
        host = null;
        out.println("stopped");
        out.flush();
        return 0;
    }

    private static CommandLine root(CommandLine cmd) {
        CommandLine c = cmd;
        while (c.getParent() != null) {
            c = c.getParent();
        }
        return c;
    }

    private static String hostPort(InetSocketAddress a) {
        return a.getHostString() + ":" + a.getPort();
    }

    private void installSignalHandlers() throws ReflectiveOperationException {
        final Class<?> signal = Class.forName("sun.misc.Signal");
        final Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
        final InvocationHandler onSignal = (proxy, method, args) -> {
            if (method.getName().equals("handle")) {
                if (stop.getCount() == 0) {
                    Runtime.getRuntime().halt(130);
                }
                stop();
                return null;
            }
            return switch (method.getName()) {
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                default -> "metricstream-signal-handler";
            };
        };
        final Object handler = Proxy.newProxyInstance(handlerType.getClassLoader(), new Class<?>[] {handlerType},
            onSignal);
        for (String name : List.of("INT", "TERM")) {
            final Object sig = signal.getConstructor(String.class).newInstance(name);
            signal.getMethod("handle", signal, handlerType).invoke(null, sig, handler);
        }
    }
}
