package io.metricstream.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ConfigLoaderTest {
    static final ConfigKey<Integer> HTTP_PORT = ServiceKeys.httpPort("queue", 7071);
    static final ConfigKey<Long> SEGMENT_BYTES = ConfigKey.key("queue.segment_bytes").sizeType()
        .defaultValue(128L << 20).atLeast(1 << 20).doc("Roll the active segment at this size.");
    static final ConfigKey<Long> RETENTION = ConfigKey.key("queue.retention").durationType()
        .defaultValue(7 * 86_400_000L).doc("Keep segments this long.");
    static final ConfigKey<Integer> MIN_BATCH = ConfigKey.key("queue.min_batch").intType().defaultValue(1)
        .atLeast(1).doc("Smallest batch.");
    static final ConfigKey<List<String>> TOPICS = ConfigKey.key("queue.topics").listType()
        .defaultValue(List.of("metrics.inbound")).doc("Topics.");
    static final ConfigTable TABLE = ConfigTable.merge(GlobalConfig.TABLE,
        ConfigTable.of(HTTP_PORT, SEGMENT_BYTES, RETENTION, MIN_BATCH, TOPICS));

    @TempDir
    Path dir;

    private ConfigOutcome load(Optional<Path> file, Map<String, String> env, Map<String, String> flags) {
        return new ConfigLoader(TABLE).load(file, env, flags);
    }

    private Path resource(String name) throws IOException {
        final Path p = dir.resolve(name);
        try (var in = getClass().getResourceAsStream("/config/" + name)) {
            Files.copy(in, p);
        }
        return p;
    }

    @Test
    void shouldReportEveryProblemWithLineWhenFileHasThreeMistakes() throws IOException {
        final Path bad = resource("bad.yml");
        final ConfigOutcome out = load(Optional.of(bad), Map.of(), Map.of());
        final List<String> lines = assertInstanceOf(ConfigProblems.class, out).problems().stream()
            .map(ConfigProblem::toString).toList();
        assertEquals(List.of(
            bad + ":6: queue.segment_bytes: got \"12x\"; want a size like 128MiB",
            bad + ":7: queue.segmnt_bytes: unknown key; did you mean queue.segment_bytes?",
            bad + ":9: queue.min_batch: got \"0\"; want >= 1"), lines);
    }

    @Test
    void shouldUseDefaultsWhenThereIsNoFile() {
        final Config c = assertInstanceOf(Config.class, load(Optional.empty(), Map.of(), Map.of()));
        assertEquals(7071, c.get(HTTP_PORT));
        assertEquals(128L << 20, c.get(SEGMENT_BYTES));
        assertEquals("./data", c.get(GlobalConfig.DATA_DIR));
        assertEquals("dev", c.get(GlobalConfig.PROFILE));
        assertEquals(List.of("metrics.inbound"), c.get(TOPICS));
    }

    @Test
    void shouldOverrideFileWhenEnvAndFlagsAreSet() throws IOException {
        final Path f = dir.resolve("ok.yml");
        Files.writeString(f, "queue:\n  segment_bytes: 256MiB\n  retention: 2h\n  topics: [a, b]\n  min_batch: 3\n");
        final Config c = assertInstanceOf(Config.class, load(Optional.of(f),
            Map.of("METRICSTREAM_QUEUE_SEGMENT_BYTES", "1g", "METRICSTREAM_JAVA_OPTS", "-Xmx1g", "PATH", "/bin"),
            Map.of("queue.min_batch", "5")));
        assertEquals(1L << 30, c.get(SEGMENT_BYTES));
        assertEquals(7_200_000L, c.get(RETENTION));
        assertEquals(List.of("a", "b"), c.get(TOPICS));
        assertEquals(5, c.get(MIN_BATCH));
        assertEquals("env METRICSTREAM_QUEUE_SEGMENT_BYTES", c.source(SEGMENT_BYTES));
        assertEquals("--set", c.source(MIN_BATCH));
        assertTrue(c.source(RETENTION).endsWith("ok.yml"), c.source(RETENTION));
    }

    @Test
    void shouldNameVariableWhenEnvValueIsMalformed() {
        final ConfigProblems p = assertInstanceOf(ConfigProblems.class, load(Optional.empty(),
            Map.of("METRICSTREAM_QUEUE_RETENTION", "soon", "METRICSTREAM_QUEUE_HTTP_PORTT", "1"),
            Map.of("queue.segment_byte", "1")));
        assertEquals(List.of(
            "env METRICSTREAM_QUEUE_HTTP_PORTT: queue.http_portt: unknown key; did you mean queue.http_port?",
            "env METRICSTREAM_QUEUE_RETENTION: queue.retention: got \"soon\"; want a duration like 15s or 500ms",
            "--set: queue.segment_byte: unknown key; did you mean queue.segment_bytes?"),
            p.problems().stream().map(ConfigProblem::toString).toList());
    }

    @Test
    void shouldReportUnknownSectionWhenFileHasTypo() throws IOException {
        final Path f = dir.resolve("s.yml");
        Files.writeString(f, "queu:\n  x: 1\nglobal:\n  profile: staging\n");
        final ConfigProblems p = assertInstanceOf(ConfigProblems.class, load(Optional.of(f), Map.of(), Map.of()));
        assertEquals(List.of(
            f + ":1: queu: unknown section; did you mean queue? (known: global, queue)",
            f + ":4: global.profile: got \"staging\"; want one of dev, prod, test"),
            p.problems().stream().map(ConfigProblem::toString).toList());
    }

    @Test
    void shouldParseSizesAndDurationsWhenUnitsVary() {
        assertEquals(128L << 20, ConfigType.SIZE_BYTES.parse("128MiB"));
        assertEquals(1L << 30, ConfigType.SIZE_BYTES.parse("1g"));
        assertEquals(1_000_000L, ConfigType.SIZE_BYTES.parse("1MB"));
        assertEquals(4096L, ConfigType.SIZE_BYTES.parse("4096"));
        assertEquals(null, ConfigType.SIZE_BYTES.parse("12x"));
        assertEquals(500L, ConfigType.DURATION_MS.parse("500ms"));
        assertEquals(604_800_000L, ConfigType.DURATION_MS.parse("7d"));
        assertEquals(null, ConfigType.DURATION_MS.parse("5 parsecs"));
        assertEquals("128MiB", SEGMENT_BYTES.defaultText());
        assertEquals("METRICSTREAM_QUEUE_SEGMENT_BYTES", SEGMENT_BYTES.envName());
    }
}
