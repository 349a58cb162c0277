package io.metricstream.ingestion.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.ingestion.format.InfluxPrecision;
import io.metricstream.ingestion.format.ParseError;
import io.metricstream.ingestion.format.ParseLimits;
import io.metricstream.ingestion.format.ParseStatus;
import io.metricstream.ingestion.format.RemoteWriteEncoder;
import io.metricstream.ingestion.format.StagedContent;
import io.metricstream.ingestion.format.StagedSamples;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One table, three formats: {@code max_label_name_length} and {@code max_label_value_length} count UTF-8 bytes
 * (what {@code SeriesKeyCodec}'s uint16 lengths store) for Influx, remote write AND the seed JSON, whose codec
 * counts UTF-16 chars. The metric name counts against the value limit in every format (it is {@code __name__}'s
 * value). Each row is parsed by the parsers of one event loop's {@link IngestPipeline.Scratch}, built from one
 * {@link ParseLimits}, exactly as the handlers use them.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LabelLengthUnitsTest {
    private static final int NAME_BYTES = 8;
    private static final int VALUE_BYTES = 12;
    private static final ParseLimits LIMITS = new ParseLimits(32, NAME_BYTES, VALUE_BYTES, 1000, 1 << 20);

    /** A series {@code metric{label="value"}} and whether it is within the limits. */
    private record Row(String why, String metric, String label, String value, boolean accepted) {
    }

    private static final List<Row> TABLE = List.of(
        new Row("ascii value at the limit", "m", "l", "abcdefghijkl", true),
        new Row("ascii value one byte over", "m", "l", "abcdefghijklm", false),
        new Row("2-byte chars: 6 chars = 12 bytes", "m", "l", "éééééé", true),
        new Row("2-byte chars: 7 chars = 14 bytes (JSON counted 7 and took it)", "m", "l", "ééééééé", false),
        new Row("3-byte chars: 5 chars = 15 bytes (JSON counted 5 and took it)", "m", "l", "€€€€€", false),
        new Row("3-byte chars: 4 chars = 12 bytes", "m", "l", "€€€€", true),
        new Row("4-byte chars: 6 UTF-16 chars = 12 bytes", "m", "l", "😀😀😀", true),
        new Row("4-byte chars + 1: 7 UTF-16 chars = 13 bytes", "m", "l", "😀😀😀a", false),
        new Row("label name at the limit", "m", "abcdefgh", "v", true),
        new Row("label name one byte over", "m", "abcdefghi", "v", false),
        new Row("metric name counts against the VALUE limit: 10 bytes", "m234567890", "l", "v", true),
        new Row("metric name over the value limit: 13 bytes", "m234567890abc", "l", "v", false));

    private enum Format { INFLUX, REMOTE_WRITE, JSON }

    @Test
    void shouldApplyTheSameUtf8ByteLimitsWhenTheSameSeriesArrivesInAnyFormat() {
        final IngestPipeline.Scratch scratch = new IngestPipeline.Scratch(LIMITS, true);
        for (final Row row : TABLE) {
            for (final Format format : Format.values()) {
                final StagedSamples staged = StagedContent.staging(1, 1000);
                try {
                    final ParseError error = parse(scratch, format, row, staged);
                    final String where = format + " / " + row.why() + ": " + (error == null ? "" : error.message());
                    if (row.accepted()) {
                        assertNull(error, where);
                        final List<StagedContent.Row> rows = StagedContent.rows(staged);
                        assertEquals(1, rows.size(), where);
                        assertEquals(LabelSet.of("__name__", row.metric(), row.label(), row.value()),
                            rows.get(0).labels(), where);
                    } else {
                        assertNotNull(error, where);
                        assertTrue(error.reason().contains("too long") || error.reason().contains("chars; want <="),
                            where);
                    }
                } finally {
                    staged.release();
                }
            }
        }
    }

    @Test
    void shouldNameIndexFieldAndBytesWhenJsonLabelValueBreaksTheByteLimitWithinTheCharLimit() {
        final IngestPipeline.Scratch scratch = new IngestPipeline.Scratch(LIMITS, true);
        final StagedSamples staged = StagedContent.staging(1, 1000);
        try {
            final byte[] body = ("{\"name\":\"m\",\"value\":1,\"labels\":{\"l\":\"ok\"}}\n"
                + "{\"name\":\"m\",\"value\":2,\"labels\":{\"host\":\"ééééééé\"}}\n"
                + "{\"name\":\"m\",\"value\":3}\n").getBytes(StandardCharsets.UTF_8);
            final ParseError error = MetricsJsonHandler.stage(scratch, body, 0, body.length, 0, staged);
            assertNotNull(error);
            assertEquals(1, error.index());
            assertEquals("labels.host", error.field());
            assertEquals("label value too long: got 14 bytes of UTF-8; want <= 12", error.reason());
        } finally {
            staged.release();
        }
    }

    private static ParseError parse(final IngestPipeline.Scratch scratch, final Format format, final Row row,
                                    final StagedSamples staged) {
        return switch (format) {
            case INFLUX -> {
                final byte[] b = (row.metric() + "," + row.label() + "=" + row.value() + " f=1 1000\n")
                    .getBytes(StandardCharsets.UTF_8);
                yield scratch.influx.parse(b, 0, b.length, InfluxPrecision.MS, 0, staged) == ParseStatus.ERROR
                    ? scratch.influx.error() : null;
            }
            case REMOTE_WRITE -> {
                final byte[] b = RemoteWriteEncoder.body(List.of(new RemoteWriteEncoder.Series(List.of(
                    new String[] {"__name__", row.metric()}, new String[] {row.label(), row.value()}),
                    new long[] {1000}, new long[] {Double.doubleToRawLongBits(1)})));
                yield scratch.remoteWrite.decode(b, 0, b.length, staged) == ParseStatus.ERROR
                    ? scratch.remoteWrite.error() : null;
            }
            case JSON -> {
                final byte[] b = ("{\"name\":\"" + row.metric() + "\",\"value\":1,\"timestamp\":1000,\"labels\":{\""
                    + row.label() + "\":\"" + row.value() + "\"}}").getBytes(StandardCharsets.UTF_8);
                yield MetricsJsonHandler.stage(scratch, b, 0, b.length, 0, staged);
            }
        };
    }
}
