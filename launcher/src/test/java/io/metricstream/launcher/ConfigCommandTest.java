package io.metricstream.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ConfigCommandTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        final MetricStreamCli cli = new MetricStreamCli();
        cli.env = Map.of();
        return new CommandLine(cli).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    }

    @Test
    void shouldPrintThreeProblemsAndExit2WhenFileHasThreeMistakes() throws IOException {
        final Path bad = dir.resolve("bad.yml");
        Files.writeString(bad, """
            global:
              profile: staging
            queue:
              http_port: 70000
              bind_adress: 0.0.0.0
            """);
        assertEquals(2, run("config", "check", bad.toString()));
        final List<String> lines = err.toString().lines().toList();
        assertEquals(List.of(
            bad + ":2: global.profile: got \"staging\"; want one of dev, prod, test",
            bad + ":4: queue.http_port: got \"70000\"; want <= 65535",
            bad + ":5: queue.bind_adress: unknown key; did you mean queue.bind_address?",
            "3 config problem(s)"), lines);
    }

    @Test
    void shouldPrintOkWhenFileIsValid() throws IOException {
        final Path ok = dir.resolve("ok.yml");
        Files.writeString(ok, "query:\n  http_port: 9091\n");
        assertEquals(0, run("config", "check", ok.toString()));
        assertEquals("ok: " + ok + "\n", out.toString());
    }

    @Test
    void shouldListEveryServiceKeyWhenAskedForKeys() {
        assertEquals(0, run("config", "keys", "--format", "markdown"));
        for (String key : List.of("global.data_dir", "queue.http_port", "queue.binary_port", "storage.binary_port",
            "ingestion.http_port", "query.http_port", "alert.http_port", "alert.bind_address")) {
            assertTrue(out.toString().contains("| `" + key + "` |"), key);
        }
        assertTrue(out.toString().contains("| `queue.binary_port` | int | `7070` |"), out.toString());
    }
}
