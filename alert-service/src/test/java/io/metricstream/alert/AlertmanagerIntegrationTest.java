package io.metricstream.alert;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.testsupport.Awaits;
import io.metricstream.testsupport.HttpProbe;
import io.metricstream.testsupport.LoopbackPorts;
import io.metricstream.testsupport.TempDirs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Forwards alerts to a real Alertmanager (Debian package {@code prometheus-alertmanager}); skipped with a message
 * when {@code /usr/bin/prometheus-alertmanager} is absent.
 */
@Tag("integration")
@Timeout(60)
class AlertmanagerIntegrationTest {
    private static final Path BINARY = Path.of("/usr/bin/prometheus-alertmanager");

    @Test
    void shouldForwardFiringAlertWhenRealAlertmanagerIsConfigured() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(BINARY), "skipped: " + BINARY + " is absent (install the Debian "
            + "package prometheus-alertmanager to run this test)");
        final Path dir = TempDirs.create("am-it");
        final int port = LoopbackPorts.free();
        final int cluster = LoopbackPorts.free();
        Files.writeString(dir.resolve("am.yml"), """
            route:
              receiver: blackhole
            receivers:
              - name: blackhole
            """, StandardCharsets.UTF_8);
        final Process am = new ProcessBuilder(List.of(BINARY.toString(), "--config.file=" + dir.resolve("am.yml"),
            "--storage.path=" + dir.resolve("am-data"), "--web.listen-address=127.0.0.1:" + port,
            "--cluster.listen-address=127.0.0.1:" + cluster)).redirectErrorStream(true)
            .redirectOutput(dir.resolve("am.log").toFile()).start();
        try (FakePrometheusApi prom = new FakePrometheusApi()) {
            Awaits.await(Duration.ofSeconds(20), () -> HttpProbe.statusOrMinusOne("http://127.0.0.1:" + port
                + "/-/ready") == 200, "alertmanager ready");
            final String routing = """
                route:
                  receiver: am
                  group_wait: 0s
                  group_interval: 1s
                receivers:
                  - name: am
                    metricstream_alertmanager_configs:
                      - url: http://127.0.0.1:%d
                """.replace("%d", Integer.toString(port));
            prom.answer("up == 0", FakePrometheusApi.vector("{\"__name__\":\"up\",\"job\":\"api\"}", "0"));
            try (AlertHarness h = AlertHarness.start(dir, """
                groups:
                  - name: g
                    rules:
                      - alert: TargetDown
                        expr: up == 0
                """, routing, prom.url(), Map.of())) {
                Awaits.await(Duration.ofSeconds(20), () -> HttpProbe.get("http://127.0.0.1:" + port
                    + "/api/v2/alerts").body().contains("TargetDown"), "alert visible in alertmanager");
                assertTrue(HttpProbe.get("http://127.0.0.1:" + port + "/api/v2/alerts").body()
                    .contains("\"job\":\"api\""));
                // Alertmanager shows the alert once it took the POST; the outbox counts it when the answer is back
                Awaits.await(Duration.ofSeconds(20), () -> h.service().outbox().delivered() >= 1,
                    "outbox counts the delivery");
            }
        } finally {
            am.destroy();
            am.waitFor();
            TempDirs.deleteRecursively(dir);
        }
    }
}
