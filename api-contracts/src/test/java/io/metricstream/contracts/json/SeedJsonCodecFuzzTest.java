package io.metricstream.contracts.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.metricstream.contracts.model.MetricNames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Random bytes, and valid bodies truncated, bit-flipped and spliced with JSON fragments: {@code parse} returns
 * COMPLETE or ERROR with a well-formed error, never throws, and every sample it reports is valid.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SeedJsonCodecFuzzTest {
    private static final int CASES = 20_000;
    private static final SeedJsonCodec.Limits LIMITS = new SeedJsonCodec.Limits(4, 16, 32, 8);
    private static final String[] VALID_BODIES = {
        "{\"timestamp\":\"2025-09-17T13:45:23.123Z\",\"name\":\"cpu_usage\",\"value\":75.5,"
            + "\"labels\":{\"host\":\"h1\"},\"client_id\":\"c1\"}",
        "[{\"name\":\"a\",\"value\":1},{\"name\":\"b\",\"value\":\"NaN\",\"timestamp\":-5},"
            + "{\"name\":\"c:d\",\"value\":-1.5e-7,\"labels\":{\"z\":\"\",\"y\":\"\\u00e9\\\"\"}}]",
        "{\"name\":\"a\",\"value\":\"+Inf\",\"timestamp\":\"2025-09-17T15:45:23.123456+02:00\"}\n"
            + "{\"name\":\"b\",\"value\":3,\"timestamp\":1758116723123.5,\"labels\":null,\"client_id\":null}\n",
        "{\"name\":\"m\",\"value\":1,\"labels\":{\"a\":\"1\",\"b\":\"2\",\"c\":\"3\",\"d\":\"4\"}}",
    };
    private static final String[] FRAGMENTS = {
        "{", "}", "[", "]", "\"", ":", ",", " ", "\n", "\\", "\\u", "\\ud800", "null", "true", "1e999", "-0",
        "\"NaN\"", "\"name\"", "\"value\"", "\"labels\"", "\"__name__\"", "{\"a\":\"b\"}", "\u00e9", "\ud83d\ude00",
        "\u0000", "0000-00-00T00:00Z", "12345678901234567890123",
    };
    private static final byte[] JSONISH = "{}[]\":,0123456789.eE+-tfnulrasNI \n\\".getBytes(StandardCharsets.US_ASCII);

    private static byte[] randomBytes(final SplittableRandom r) {
        final byte[] b = new byte[r.nextInt(65)];
        final boolean jsonish = r.nextBoolean();
        for (int i = 0; i < b.length; i++) {
            b[i] = jsonish ? JSONISH[r.nextInt(JSONISH.length)] : (byte) r.nextInt(256);
        }
        return b;
    }

    private static byte[] mutate(final SplittableRandom r, final byte[] valid) {
        return switch (r.nextInt(3)) {
            case 0 -> Arrays.copyOf(valid, r.nextInt(valid.length + 1));
            case 1 -> {
                final byte[] b = valid.clone();
                final int flips = 1 + r.nextInt(4);
                for (int i = 0; i < flips; i++) {
                    b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                }
                yield b;
            }
            default -> {
                final String s = new String(valid, StandardCharsets.UTF_8);
                final int at = r.nextInt(s.length() + 1);
                final int cut = Math.min(s.length(), at + r.nextInt(4));
                final String spliced = s.substring(0, at) + FRAGMENTS[r.nextInt(FRAGMENTS.length)] + s.substring(cut);
                yield spliced.getBytes(StandardCharsets.UTF_8);
            }
        };
    }

    /** Checks every reported sample against the format's guarantees. */
    private static final class CheckingSink implements SampleSink {
        int samples;

        @Override
        public void sample(final CharSequence metricName, final MutableLabels labels, final long timestampMs,
                           final double value, final CharSequence clientIdOrNull) {
            samples++;
            assertTrue(MetricNames.isValidMetricName(metricName), metricName.toString());
            assertTrue(labels.size() <= LIMITS.maxLabelsPerSeries());
            for (int i = 0; i < labels.size(); i++) {
                assertTrue(MetricNames.isValidLabelName(labels.name(i)) && !MetricNames.isReserved(labels.name(i)));
                assertTrue(!labels.value(i).isEmpty() && labels.value(i).length() <= LIMITS.maxLabelValueLength());
                assertTrue(i == 0 || labels.name(i - 1).compareTo(labels.name(i)) < 0, labels.toString());
            }
            assertTrue(clientIdOrNull == null || !clientIdOrNull.isEmpty());
            assertTrue(!Double.isNaN(value) || Double.doubleToRawLongBits(value) == 0x7ff8000000000000L);
        }
    }

    private static void assertWellFormedErrorBody(final ParseError error) throws IOException {
        final byte[] body = JsonErrorBody.badData(error);
        try (JsonParser p = SeedJsonCodec.JSON_FACTORY.createParser(body)) {
            assertEquals(JsonToken.START_OBJECT, p.nextToken());
            int tokens = 1;
            while (p.nextToken() != null) {
                tokens++;
            }
            assertTrue(tokens >= 8, () -> new String(body, StandardCharsets.UTF_8));
        }
    }

    @Test
    void shouldReturnStatusAndNeverThrowWhenBodyIsGarbage() throws Exception {
        Seeds.run(seed -> {
            final SplittableRandom r = new SplittableRandom(seed);
            final SeedJsonCodec codec = new SeedJsonCodec(LIMITS);
            final SeedJsonCodec viaBuffer = new SeedJsonCodec(LIMITS);
            int complete = 0;
            for (int i = 0; i < CASES; i++) {
                final byte[] body = r.nextInt(4) == 0 ? randomBytes(r)
                    : mutate(r, VALID_BODIES[r.nextInt(VALID_BODIES.length)].getBytes(StandardCharsets.UTF_8));
                final Supplier<String> shown = () -> Arrays.toString(body);
                final CheckingSink sink = new CheckingSink();
                final ParseStatus status = codec.parse(body, 0, body.length, 0L, sink);
                assertNotNull(status, shown);
                assertEquals(sink.samples, codec.sampleCount(), shown);
                assertTrue(sink.samples <= LIMITS.maxSamplesPerRequest(), shown);
                if (status == ParseStatus.COMPLETE) {
                    assertNull(codec.error(), shown);
                    complete++;
                } else {
                    final ParseError e = codec.error();
                    assertNotNull(e, shown);
                    assertTrue(e.reason().startsWith("got "), () -> e + " for " + shown.get());
                    assertTrue(e.line() >= 1 && e.index() >= ParseError.NO_INDEX, () -> e + " for " + shown.get());
                    assertWellFormedErrorBody(e);
                }
                if (i % 8 == 0) {
                    final ByteBuf direct = Unpooled.directBuffer(body.length).writeBytes(body);
                    try {
                        assertEquals(status, viaBuffer.parse(direct, 0L, new CheckingSink()), shown);
                        assertEquals(codec.error(), viaBuffer.error(), shown);
                    } finally {
                        direct.release();
                    }
                }
            }
            assertTrue(complete > 0, "some mutations should stay valid");
        });
    }
}
