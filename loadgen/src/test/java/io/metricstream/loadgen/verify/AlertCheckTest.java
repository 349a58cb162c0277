package io.metricstream.loadgen.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Tag("integration")
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AlertCheckTest {
    private static String alert(final String name, final String host, final String state) {
        return "{\"labels\":{\"alertname\":\"" + name + "\",\"host\":\"" + host + "\"},\"state\":\"" + state + "\"}";
    }

    @Test
    void shouldReportFiringCanaryHostsAndFalsePositivesWhenAlertsArrive() throws Exception {
        final AtomicInteger polls = new AtomicInteger();
        final HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        server.createContext("/api/v1/alerts", ex -> {
            // First poll: nothing yet; then h00 fires; from the third poll h01 too, and h07 (not a canary host).
            final int n = polls.incrementAndGet();
            final String alerts = n == 1 ? "" : n == 2 ? alert("CpuHigh", "h00", "firing")
                : String.join(",", alert("CpuHigh", "h00", "firing"), alert("CpuHigh", "h01", "firing"),
                    alert("CpuHigh", "h07", "firing"), alert("CpuHigh", "h02", "pending"),
                    alert("Other", "h02", "firing"));
            final byte[] body = ("{\"status\":\"success\",\"data\":{\"alerts\":[" + alerts + "]}}")
                .getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        try {
            final String url = "http://127.0.0.1:" + server.getAddress().getPort();
            final AlertCheck.Result r = AlertCheck.run(url, "CpuHigh", List.of("h00", "h01"),
                System.currentTimeMillis(), Duration.ofSeconds(10));
            assertEquals(List.of("h00", "h01"), r.firingCanary());
            assertEquals(List.of("h07"), r.firingOthers());
            assertEquals(3, polls.get(), "stops polling once every canary host fired");
            assertTrue(r.detectionMs().get("h01") >= r.detectionMs().get("h00"));
            assertFalse(r.ok(), r.summary());
            assertTrue(r.summary().contains("firing for 2 of 2 canary hosts, 1 other hosts [h07]"), r.summary());
            final AlertCheck.Result missing = AlertCheck.run(url, "CpuHigh", List.of("h00", "h03"),
                System.currentTimeMillis(), Duration.ofMillis(1500));
            assertEquals(List.of("h00"), missing.firingCanary());
        } finally {
            server.stop(0);
        }
    }
}
