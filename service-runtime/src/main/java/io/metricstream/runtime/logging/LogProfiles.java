package io.metricstream.runtime.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import org.slf4j.LoggerFactory;

/**
 * Configures logback programmatically by profile: {@code dev} = human-readable text, {@code prod} = one JSON object
 * per line (logback's {@link JsonEncoder}), {@code test} = text at WARN and above. Logs go to stdout.
 */
public final class LogProfiles {
    private static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{24} - %msg%n";

    private LogProfiles() {
    }

    /**
     * Replaces the logback configuration with the one for {@code profile} at {@code level} (info, debug, …).
     * Does nothing when SLF4J is not bound to logback.
     */
    public static void apply(String profile, String level) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
            return;
        }
        ctx.reset();
        final Encoder<ILoggingEvent> encoder;
        if ("prod".equals(profile)) {
            final JsonEncoder json = new JsonEncoder();
            json.setContext(ctx);
            // One readable line per event for log shippers: the formatted message, no logback internals.
            json.setWithFormattedMessage(true);
            json.setWithMessage(false);
            json.setWithArguments(false);
            json.setWithContext(false);
            json.setWithSequenceNumber(false);
            json.setWithNanoseconds(false);
            json.start();
            encoder = json;
        } else {
            final PatternLayoutEncoder text = new PatternLayoutEncoder();
            text.setContext(ctx);
            text.setPattern(PATTERN);
            text.start();
            encoder = text;
        }
        final ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(ctx);
        console.setName("console");
        console.setEncoder(encoder);
        console.start();
        final Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
        root.addAppender(console);
        final Level wanted = Level.toLevel(level, Level.INFO);
        root.setLevel("test".equals(profile) && wanted.toInt() < Level.WARN_INT ? Level.WARN : wanted);
        ctx.getLogger("io.netty").setLevel(Level.INFO.isGreaterOrEqual(root.getLevel()) ? Level.INFO : root.getLevel());
    }
}
