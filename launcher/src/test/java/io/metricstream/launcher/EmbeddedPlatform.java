package io.metricstream.launcher;

import io.metricstream.runtime.lifecycle.EmbeddedHost;
import io.metricstream.testsupport.Awaits;
import io.metricstream.testsupport.HttpProbe;
import io.metricstream.testsupport.LoopbackPorts;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;

/**
 * The whole platform as {@code ./metricstream up} runs it — every service in one JVM — on free loopback ports,
 * wired to each other, for end-to-end tests. Close it to stop.
 */
public final class EmbeddedPlatform implements AutoCloseable {
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final StringWriter out = new StringWriter();
    private final UpCommand up;
    private final CompletableFuture<Integer> exit;

    private EmbeddedPlatform(final Path dataDir, final Map<String, String> extra) {
        for (String key : List.of("queue.http_port", "queue.binary_port", "storage.http_port", "storage.binary_port",
            "ingestion.http_port", "query.http_port", "alert.http_port")) {
            ports.put(key, LoopbackPorts.free());
        }
        final Map<String, String> settings = new LinkedHashMap<>();
        settings.put("global.profile", "test");
        ports.forEach((k, v) -> settings.put(k, String.valueOf(v)));
        // no client addresses: `up` points them at the ports above (ConfigOptions.loadEmbedded)
        // warm-ups off: they cost seconds per start, and their ephemeral loopback ports (bind to 0) can take a port
        // picked above before the service that owns it binds it; QueryServiceWarmupTest / StorageServiceWarmupTest
        // cover them
        settings.put("query.warmup_enabled", "false");
        settings.put("storage.warmup_enabled", "false");
        settings.putAll(extra);
        final List<String> args = new ArrayList<>(List.of("up", "--no-signal-handlers", "--data-dir",
            dataDir.toString()));
        settings.forEach((k, v) -> {
            args.add("--set");
            args.add(k + "=" + v);
        });
        final MetricStreamCli cli = new MetricStreamCli();
        cli.env = Map.of();
        final CommandLine cmd = new CommandLine(cli).setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(out, true));
        up = cmd.getSubcommands().get("up").getCommand();
        // a thread of its own: on the common pool (one worker on 2 cores) the platform would hold that worker for
        // its whole life, and the engine's and the JSON writer's parallel parts, queued behind it, would never run
        exit = CompletableFuture.supplyAsync(() -> cmd.execute(args.toArray(String[]::new)), r -> {
            final Thread t = new Thread(r, "embedded-platform-up");
            t.setDaemon(true);
            t.start();
        });
    }

    /** Starts the platform and waits until every service is ready. */
    public static EmbeddedPlatform start(final Path dataDir, final Map<String, String> extra) {
        final EmbeddedPlatform p = new EmbeddedPlatform(dataDir, extra);
        Awaits.await(Duration.ofSeconds(30), () -> p.up.runner.host() != null || p.exit.isDone(),
            () -> "platform to start; output:\n" + p.out);
        if (p.exit.isDone()) {
            throw new AssertionError("platform exited: " + p.exit.join() + "\n" + p.out);
        }
        for (String service : List.of("queue", "storage", "ingestion", "query", "alert")) {
            Awaits.await(Duration.ofSeconds(30), () -> HttpProbe.statusOrMinusOne(p.url(service) + "/ready") == 200,
                () -> service + " /ready; output:\n" + p.out);
        }
        return p;
    }

    /** Base URL of a service's HTTP server. */
    public String url(final String service) {
        return "http://127.0.0.1:" + ports.get(service + ".http_port");
    }

    /** The running host. */
    public EmbeddedHost host() {
        return up.runner.host();
    }

    /** Everything the platform printed. */
    public String output() {
        return out.toString();
    }

    /** Stops the platform as Ctrl-C does and returns the exit code of {@code up}. */
    public int stop() {
        up.runner.stop();
        try {
            return exit.get(10, TimeUnit.SECONDS);
        } catch (final java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new AssertionError("up did not stop: " + e + "\n" + out, e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while stopping", e);
        }
    }

    @Override
    public void close() {
        if (!exit.isDone()) {
            stop();
        }
    }
}
