package io.metricstream.runtime.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DistinctErrorLogTest {
    private final AtomicLong now = new AtomicLong();
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private final DistinctErrorLog log;

    DistinctErrorLogTest() {
        final Logger logger = new LoggerContext().getLogger("test");
        lines.start();
        logger.addAppender(lines);
        log = new DistinctErrorLog(logger, Duration.ofSeconds(60), now::get);
    }

    @Test
    void shouldLogAWarningOncePerKeyAndIntervalAndBuildItsMessageOnlyThen() {
        final AtomicInteger built = new AtomicInteger();
        assertTrue(log.warn("max_series", () -> "limit " + built.incrementAndGet()));
        now.addAndGet(Duration.ofSeconds(59).toNanos());
        assertFalse(log.warn("max_series", () -> "limit " + built.incrementAndGet()));
        assertFalse(log.warn("max_series", () -> "limit " + built.incrementAndGet()));
        assertTrue(log.warn("label_too_long", () -> "other key"));
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        assertTrue(log.warn("max_series", () -> "limit " + built.incrementAndGet()));

        assertEquals(2, built.get(), "a suppressed line's message is never built");
        final List<String> got = lines.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
        assertEquals(List.of("WARN limit 1", "WARN other key", "WARN limit 2 (2 similar suppressed)"), got);
    }

    @Test
    void shouldLogErrorsWithTheirCauseOncePerKeyAndInterval() {
        final IllegalStateException cause = new IllegalStateException("boom");
        assertTrue(log.error(DistinctErrorLog.keyOf(cause), "failed", cause));
        assertFalse(log.error(DistinctErrorLog.keyOf(cause), "failed", cause));
        now.addAndGet(Duration.ofMinutes(1).toNanos());
        assertTrue(log.error(DistinctErrorLog.keyOf(cause), "failed", cause));

        assertEquals(2, lines.list.size());
        assertEquals(Level.ERROR, lines.list.get(1).getLevel());
        assertEquals("failed (1 similar suppressed)", lines.list.get(1).getFormattedMessage());
        assertEquals("boom", lines.list.get(1).getThrowableProxy().getMessage());
    }
}
