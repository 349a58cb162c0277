package io.metricstream.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.runtime.lifecycle.EmbeddedHost;
import io.metricstream.runtime.lifecycle.ServiceHost;
import io.metricstream.testsupport.HttpProbe;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Tag("integration")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UpCommandTest {
    @TempDir
    Path dir;

    @Test
    void shouldServeReadyAndMetricsForEveryServiceWhenUpRunsOnEphemeralPorts() {
        final EmbeddedPlatform platform = EmbeddedPlatform.start(dir, Map.of());
        try {
            final EmbeddedHost host = platform.host();
            assertEquals(Services.names(), host.hosts().stream().map(ServiceHost::name).toList());
            for (ServiceHost h : host.hosts()) {
                final String metrics = HttpProbe.get(platform.url(h.name()) + "/metrics").body();
                assertTrue(metrics.contains("# TYPE process_start_time_seconds gauge\n"), metrics);
                assertPromtoolAccepts(h.name(), metrics);
            }
            assertTrue(platform.output().contains("queue      http://127.0.0.1:"), platform.output());
        } finally {
            final long start = System.nanoTime();
            assertEquals(0, platform.stop(), platform::output);
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "stops within 5 s");
        }
    }

    /** {@code promtool check metrics} (validity and lint) when Debian's prometheus package is installed. */
    private static void assertPromtoolAccepts(final String service, final String metrics) {
        final Path promtool = Path.of("/usr/bin/promtool");
        if (!java.nio.file.Files.isExecutable(promtool)) {
            System.getLogger("UpCommandTest").log(System.Logger.Level.WARNING,
                "promtool not installed (apt-get install prometheus): /metrics lint skipped");
            return;
        }
        try {
            final Process p = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true)
                .start();
            try (var in = p.getOutputStream()) {
                in.write(metrics.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            final String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(p.waitFor(20, TimeUnit.SECONDS), "promtool finishes");
            assertEquals(0, p.exitValue(), () -> service + " /metrics: promtool check metrics says:\n" + out);
        } catch (final java.io.IOException e) {
            throw new AssertionError(e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void shouldExit2WithEveryProblemWhenConfigIsBad() {
        final MetricStreamCli cli = new MetricStreamCli();
        cli.env = Map.of("METRICSTREAM_QUERY_HTTP_PORT", "ninety");
        final StringWriter err = new StringWriter();
        final int code = new CommandLine(cli).setErr(new PrintWriter(err)).execute("up", "--no-signal-handlers",
            "--set", "alert.http_prot=1");
        assertEquals(2, code);
        assertEquals(List.of(
            "env METRICSTREAM_QUERY_HTTP_PORT: query.http_port: got \"ninety\"; want an integer",
            "--set: alert.http_prot: unknown key; did you mean alert.http_port?",
            "2 config problem(s)"), err.toString().lines().toList());
    }
}
