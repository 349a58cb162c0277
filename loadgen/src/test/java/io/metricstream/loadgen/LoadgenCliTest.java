package io.metricstream.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LoadgenCliTest {
    /** Exit code, stdout, stderr of one CLI run. */
    record Run(int code, String out, String err) {
    }

    static Run cli(final String... args) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int code = LoadgenCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void shouldListScenariosWithDescriptionsWhenAskedToList() {
        final Run r = cli("--list", "--scenarios-dir", "scenarios");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("seed-craft1") && r.out().contains("2,253 RPS") && r.out().contains("spike"),
            r.out());
    }

    @Test
    void shouldPrintTargetsRatesSeriesAndDurationWhenDryRunning() {
        final Run r = cli("--scenario", "spike", "--scenarios-dir", "scenarios", "--dry-run",
            "--target", "http://127.0.0.1:18080");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("lp http://127.0.0.1:18080") && r.out().contains("2,000 series")
            && r.out().contains("20,000 samples/s") && r.out().contains("10.0 s"), r.out());
        final Run adhoc = cli("--dry-run", "--rate", "1000", "--batch", "100", "--hosts", "3", "--metrics", "2",
            "--label-cardinality", "5", "--duration", "5s", "--format", "remote-write");
        assertEquals(0, adhoc.code(), adhoc.err());
        assertTrue(adhoc.out().contains("= 30 series") && adhoc.out().contains("1,000 samples/s (10.0 requests/s)")
            && adhoc.out().contains("remote-write"), adhoc.out());
    }

    @Test
    void shouldExitWithUsageErrorWhenScenarioIsBad(@TempDir final Path dir) throws Exception {
        final Path bad = dir.resolve("bad.yml");
        Files.writeString(bad, "name: bad\nstages:\n  - {name: a, mode: open, rate: [1, 2]}\n");
        final Run r = cli("--scenario", bad.toString(), "--dry-run");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith(bad + ":3: "), r.err());
        assertEquals(2, cli("--scenario", "no-such-scenario", "--dry-run").code());
    }

    @Test
    void shouldRefuseRemoteHostsWhenNotAllowed() {
        final Run r = cli("--target", "http://10.1.2.3:8080", "--duration", "1s");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("refusing to send load to 10.1.2.3") && r.err().contains("--allow-remote"),
            r.err());
        final Run named = cli("--target", "http://metrics.example.com:8080", "--duration", "1s");
        assertEquals(2, named.code());
        assertTrue(named.err().contains("refusing"), named.err());
    }

    @Test
    void shouldWriteGenPyLinesWhenDatasetIsRequested() {
        final Run r = cli("dataset", "--hours", "0.01", "--hosts", "2");
        assertEquals(0, r.code(), r.err());
        final String[] lines = r.out().split("\n");
        assertEquals(10 * 2 * 2, lines.length);
        assertEquals("node_cpu_utilization_percent,host=h00,job=api,region=us-east value=12.95 1704067200000",
            lines[0]);
        assertTrue(lines[lines.length - 1].startsWith("node_disk_written_bytes_total,host=h01,job=api,region=us-west"
            + " value=") && lines[lines.length - 1].endsWith("i 1704067215000"), lines[lines.length - 1]);
    }
}
