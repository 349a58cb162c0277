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
            }
            assertTrue(platform.output().contains("queue      http://127.0.0.1:"), platform.output());
        } finally {
            final long start = System.nanoTime();
            assertEquals(0, platform.stop(), platform::output);
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "stops within 5 s");
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
