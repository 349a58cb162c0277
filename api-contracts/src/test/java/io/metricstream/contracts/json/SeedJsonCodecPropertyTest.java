package io.metricstream.contracts.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonGenerator;
import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.model.MetricNames;
import io.metricstream.contracts.model.Sample;
import io.metricstream.contracts.model.StaleMarker;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Random samples → {@code writeSample} → {@code parse} → the same samples, in every body shape. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SeedJsonCodecPropertyTest {
    private static final int BODIES = 3_000;
    private static final int MAX_SAMPLES_PER_BODY = 20;
    private static final long NOW_MS = 42L;
    private static final String NAME_START = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_";
    private static final String NAME_REST = NAME_START + "0123456789";

    /** A sample as the codec should hand it over; values compare by raw bits, any NaN equal to any NaN. */
    private record Parsed(LabelSet labels, long timestampMs, double value, String clientId) {
        @Override
        public boolean equals(final Object o) {
            return o instanceof Parsed p && labels.equals(p.labels) && timestampMs == p.timestampMs
                && Objects.equals(clientId, p.clientId)
                && (Double.isNaN(value) ? Double.isNaN(p.value)
                    : Double.doubleToRawLongBits(value) == Double.doubleToRawLongBits(p.value));
        }

        @Override
        public int hashCode() {
            return labels.hashCode();
        }

        @Override
        public String toString() {
            return labels + " " + value + "(0x" + Long.toHexString(Double.doubleToRawLongBits(value)) + ") @"
                + timestampMs + " client=" + clientId;
        }
    }

    private enum Shape { OBJECT, ARRAY, LINES }

    private static String name(final SplittableRandom r, final String start) {
        final StringBuilder sb = new StringBuilder().append(start.charAt(r.nextInt(start.length())));
        final int length = r.nextInt(12);
        for (int i = 0; i < length; i++) {
            sb.append(NAME_REST.charAt(r.nextInt(NAME_REST.length())));
        }
        final String s = sb.toString();
        return MetricNames.isReserved(s) ? name(r, start) : s;
    }

    /** Non-empty text over ASCII, escapes, control chars, BMP letters and supplementary pairs. */
    private static String text(final SplittableRandom r) {
        final StringBuilder sb = new StringBuilder();
        final int length = 1 + r.nextInt(16);
        while (sb.length() < length) {
            switch (r.nextInt(6)) {
                case 0 -> sb.append("\"\\/\n\t\b".charAt(r.nextInt(6)));
                case 1 -> sb.append((char) r.nextInt(0x20));
                case 2 -> sb.append((char) r.nextInt(0x80, 0xD800));
                case 3 -> sb.appendCodePoint(r.nextInt(0x10000, 0x110000));
                case 4 -> sb.append((char) r.nextInt(0xE000, 0x10000));
                default -> sb.append((char) r.nextInt(0x20, 0x7f));
            }
        }
        return sb.toString();
    }

    private static double value(final SplittableRandom r) {
        return switch (r.nextInt(10)) {
            case 0 -> Double.longBitsToDouble(r.nextLong());
            case 1 -> r.nextInt(-1000, 1000);
            case 2 -> (double) r.nextLong();
            case 3 -> new double[] {0.0, -0.0, Double.NaN, StaleMarker.VALUE, Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY, Double.MIN_VALUE, -Double.MAX_VALUE, Double.MIN_NORMAL, 0.1}[r.nextInt(10)];
            case 4 -> Double.longBitsToDouble(r.nextLong(0x0010000000000000L)); // subnormal
            default -> r.nextDouble(-1e6, 1e6);
        };
    }

    private static long timestamp(final SplittableRandom r) {
        return switch (r.nextInt(4)) {
            case 0 -> r.nextLong();
            case 1 -> r.nextLong(IsoTimestamps.MIN_FORMATTABLE_MS, IsoTimestamps.MAX_FORMATTABLE_MS + 1);
            default -> 1_758_116_723_123L + r.nextLong(-86_400_000L, 86_400_000L);
        };
    }

    private static Parsed randomSample(final SplittableRandom r) {
        final LabelSet.Builder labels = LabelSet.builder()
            .add(MetricNames.METRIC_NAME_LABEL, name(r, NAME_START + ":"));
        final int count = r.nextInt(6);
        for (int i = 0; i < count; i++) {
            labels.add(name(r, NAME_START), text(r));
        }
        return new Parsed(labels.build(), timestamp(r), value(r), r.nextInt(3) == 0 ? text(r) : null);
    }

    private static byte[] encode(final SplittableRandom r, final List<Parsed> samples, final Shape shape)
        throws IOException {
        final SeedJsonCodec.TimestampStyle style = r.nextBoolean()
            ? SeedJsonCodec.TimestampStyle.ISO_8601 : SeedJsonCodec.TimestampStyle.EPOCH_MS;
        if (r.nextBoolean()) {
            final StringBuilder sb = new StringBuilder();
            sb.append(shape == Shape.ARRAY ? "[" : "");
            for (int i = 0; i < samples.size(); i++) {
                final Parsed p = samples.get(i);
                if (i > 0) {
                    sb.append(shape == Shape.ARRAY ? "," : "\n");
                }
                SeedJsonCodec.writeSample(sb, new Sample(p.labels, p.timestampMs, p.value), p.clientId, style);
            }
            return sb.append(shape == Shape.ARRAY ? "]" : "").toString().getBytes(StandardCharsets.UTF_8);
        }
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator gen = SeedJsonCodec.JSON_FACTORY.createGenerator(out)) {
            if (r.nextBoolean()) {
                gen.useDefaultPrettyPrinter();
            }
            if (shape == Shape.ARRAY) {
                gen.writeStartArray();
            }
            for (final Parsed p : samples) {
                SeedJsonCodec.writeSample(gen, new Sample(p.labels, p.timestampMs, p.value), p.clientId, style);
            }
            if (shape == Shape.ARRAY) {
                gen.writeEndArray();
            }
        }
        return out.toByteArray();
    }

    @Test
    void shouldReadBackSamplesWhenEncodedInAnyShape() throws Exception {
        Seeds.run(seed -> {
            final SplittableRandom r = new SplittableRandom(seed);
            final SeedJsonCodec codec = new SeedJsonCodec(SeedJsonCodec.Limits.DEFAULTS);
            final List<Parsed> actual = new ArrayList<>();
            final SampleSink sink = (name, labels, ts, value, client) ->
                actual.add(new Parsed(labels.toLabelSet(name), ts, value, client == null ? null : client.toString()));
            for (int b = 0; b < BODIES; b++) {
                final Shape shape = Shape.values()[r.nextInt(3)];
                final int n = shape == Shape.OBJECT ? 1 : r.nextInt(MAX_SAMPLES_PER_BODY + 1);
                final List<Parsed> expected = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    expected.add(randomSample(r));
                }
                final byte[] body = encode(r, expected, shape);
                actual.clear();
                final ParseStatus status;
                if (r.nextInt(4) == 0) {
                    final ByteBuf direct = Unpooled.directBuffer(body.length).writeBytes(body);
                    try {
                        status = codec.parse(direct, NOW_MS, sink);
                    } finally {
                        direct.release();
                    }
                } else {
                    status = codec.parse(body, 0, body.length, NOW_MS, sink);
                }
                final String bodyText = new String(body, StandardCharsets.UTF_8);
                if (n == 0 && shape == Shape.LINES) {
                    assertEquals(ParseStatus.ERROR, status, "an empty body is an error");
                    continue;
                }
                assertEquals(ParseStatus.COMPLETE, status, () -> codec.error() + " in " + bodyText);
                assertEquals(expected, actual, bodyText);
            }
        });
    }
}
