package io.metricstream.runtime.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

@Timeout(20)
class LogProfilesTest {
    private final PrintStream original = System.out;

    @AfterEach
    void restore() {
        System.setOut(original);
        LogProfiles.apply("test", "WARN");
    }

    private static List<String> logWith(final String profile) {
        final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        LogProfiles.apply(profile, "INFO");
        final Logger log = LoggerFactory.getLogger("io.metricstream.test");
        log.info("queue started: partitions={}", 8);
        log.warn("disk \"almost\" full");
        System.out.flush();
        return captured.toString(StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
    }

    @Test
    void shouldWriteOneJsonObjectPerLineWhenProfileIsProd() throws IOException {
        final List<String> lines = logWith("prod");
        assertEquals(2, lines.size(), lines::toString);
        final ObjectMapper json = new ObjectMapper();
        final JsonNode first = json.readTree(lines.get(0));
        assertEquals("INFO", first.path("level").asText(), lines.get(0));
        assertEquals("queue started: partitions=8", first.path("formattedMessage").asText(), lines.get(0));
        assertEquals("io.metricstream.test", first.path("loggerName").asText(), lines.get(0));
        assertEquals("WARN", json.readTree(lines.get(1)).path("level").asText());
    }

    @Test
    void shouldWriteHumanTextWhenProfileIsDev() {
        final List<String> lines = logWith("dev");
        assertEquals(2, lines.size(), lines::toString);
        assertTrue(lines.get(0).contains("INFO") && lines.get(0).endsWith("queue started: partitions=8"),
            lines::toString);
        assertFalse(lines.get(0).startsWith("{"));
    }

    @Test
    void shouldLogARepeatedErrorOncePerIntervalWhenKeysRepeat() {
        final AtomicLong now = new AtomicLong();
        final DistinctErrorLog errors = new DistinctErrorLog(LoggerFactory.getLogger("io.metricstream.test"),
            Duration.ofSeconds(10), now::get);
        assertTrue(errors.error("disk", "disk full", null));
        assertFalse(errors.error("disk", "disk full", null));
        assertTrue(errors.error("net", "connection reset", null), "another key logs at once");
        now.addAndGet(Duration.ofSeconds(11).toNanos());
        assertTrue(errors.error("disk", "disk full", null), "the same key logs again after the interval");
    }
}
