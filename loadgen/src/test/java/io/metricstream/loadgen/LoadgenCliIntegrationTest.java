package io.metricstream.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The CLI end to end against {@link FakePlatform} on loopback: load, reports, and the verifier. */
@Tag("integration")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LoadgenCliIntegrationTest {
    @Test
    void shouldAckVerifyAndReportWhenOpenLoopRunsAgainstAnAckingServer(@TempDir final Path dir) throws Exception {
        try (FakePlatform platform = new FakePlatform(n -> n % 10 == 0, n -> false)) {
            final String url = "http://127.0.0.1:" + platform.port();
            final Path json = dir.resolve("r.json");
            final Path html = dir.resolve("r.html");
            final LoadgenCliTest.Run r = LoadgenCliTest.cli("verify", "--target", url, "--format", "lp",
                "--rate", "4000", "--batch", "100", "--connections", "2", "--duration", "2s", "--hosts", "5",
                "--metrics", "4", "--shapes", "random-walk,counter,sine,spikes", "--query-url", url,
                "--verify-timeout", "5s", "--json", json.toString(), "--html", html.toString());
            assertEquals(0, r.code(), r.out() + r.err());
            final JsonNode report = new ObjectMapper().readTree(json.toFile());
            final JsonNode stage = report.at("/stages/0");
            assertEquals("open", stage.get("mode").asText());
            assertEquals(80, stage.get("requests_ok").asLong() + stage.get("requests_failed").asLong()
                + stage.get("unsent").asLong(), report.toString());
            assertEquals(8, stage.at("/status/503").asLong(), report.toString());
            assertEquals(platform.storedSamples(), stage.get("samples_acked").asLong());
            assertEquals(7200, stage.get("samples_acked").asLong());
            assertTrue(report.at("/verify/lost").asLong() == 0 && report.at("/verify/expected").asLong() == 7200,
                report.toString());
            assertTrue(r.out().contains("verify OK") && r.out().contains("503=8"), r.out());
            assertTrue(Files.readString(html).contains("<polyline"));
        }
    }

    @Test
    void shouldReportExactLossWhenServerAcksButDropsSamples() throws Exception {
        try (FakePlatform platform = new FakePlatform(n -> false, n -> n % 7 == 3)) {
            final String url = "http://127.0.0.1:" + platform.port();
            final LoadgenCliTest.Run r = LoadgenCliTest.cli("--verify", "--target", url, "--format", "lp",
                "--batch", "50", "--requests", "20", "--duration", "10s", "--hosts", "10", "--metrics", "3",
                "--query-url", url, "--verify-timeout", "1s");
            assertEquals(1, r.code(), r.out() + r.err());
            assertEquals(20, platform.requests());
            assertEquals(3 * 50, platform.droppedSamples());   // requests 3, 10 and 17
            assertTrue(r.out().contains("verify FAILED: expected=1000 found=850 lost=150 duplicated=0"), r.out());
        }
    }

    @Test
    void shouldChargeQueuedRequestsWhenServerStallsInOpenLoop(@TempDir final Path dir) throws Exception {
        try (FakePlatform platform = new FakePlatform(n -> false, n -> false, n -> n == 50)) {
            final Path json = dir.resolve("r.json");
            final LoadgenCliTest.Run r = LoadgenCliTest.cli("--target", "http://127.0.0.1:" + platform.port(),
                "--rate", "100", "--batch", "1", "--connections", "1", "--duration", "3s", "--hosts", "2",
                "--metrics", "1", "--json", json.toString());
            assertEquals(0, r.code(), r.out() + r.err());
            final JsonNode stage = new ObjectMapper().readTree(json.toFile()).at("/stages/0");
            assertEquals(300, stage.get("requests_ok").asLong(), stage.toString());
            // ~100 requests were due during the 1 s stall: the corrected p90 sees them, the service time does not.
            assertTrue(stage.at("/latency_ms/p90").asDouble() > 300, stage.toString());
            assertTrue(stage.at("/latency_ms/max").asDouble() > 900, stage.toString());
            assertTrue(stage.at("/service_ms/p90").asDouble() < 100, stage.toString());
        }
    }

    @Test
    void shouldReportNoAnswerWhenNothingListens() {
        final int port = io.metricstream.testsupport.LoopbackPorts.free();
        final LoadgenCliTest.Run r = LoadgenCliTest.cli("--target", "http://127.0.0.1:" + port, "--batch", "10",
            "--requests", "3", "--duration", "5s", "--timeout", "2s");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("no-answer=3") && r.out().contains("connect to 127.0.0.1:" + port), r.out());
    }
}
