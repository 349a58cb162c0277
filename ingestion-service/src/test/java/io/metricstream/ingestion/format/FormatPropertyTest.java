package io.metricstream.ingestion.format;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.testsupport.Seeds;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Random samples → encoded in each format by the test writers → parsed → the same samples, values by bits. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FormatPropertyTest {
    private static final String NAME_START = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_";
    private static final String NAME_REST = NAME_START + "0123456789";
    private static final String VALUE_CHARS = "abc XYZ,=\\\"'{}é日本-._:0123456789";

    private static String name(final SplittableRandom r, final int maxLength) {
        final StringBuilder sb = new StringBuilder().append(NAME_START.charAt(r.nextInt(NAME_START.length())));
        final int n = r.nextInt(maxLength);
        for (int i = 0; i < n; i++) {
            sb.append(NAME_REST.charAt(r.nextInt(NAME_REST.length())));
        }
        return sb.toString();
    }

    private static String value(final SplittableRandom r) {
        final StringBuilder sb = new StringBuilder();
        final int n = 1 + r.nextInt(12);
        for (int i = 0; i < n; i++) {
            sb.append(VALUE_CHARS.charAt(r.nextInt(VALUE_CHARS.length())));
        }
        return sb.toString();
    }

    private static List<String[]> tags(final SplittableRandom r) {
        final List<String[]> tags = new ArrayList<>();
        final int n = r.nextInt(5);
        for (int i = 0; i < n; i++) {
            final String k = "t" + i + name(r, 4);
            tags.add(new String[] {k, value(r)});
        }
        java.util.Collections.shuffle(tags, new java.util.Random(r.nextLong()));
        return tags;
    }

    private static double randomValue(final SplittableRandom r) {
        return switch (r.nextInt(5)) {
            case 0 -> r.nextDouble() * 1e6;
            case 1 -> Math.round(r.nextDouble() * 10000) / 100.0;
            case 2 -> (double) r.nextLong(-1_000_000_000L, 1_000_000_000L);
            case 3 -> -r.nextDouble() * Math.pow(10, r.nextInt(-30, 30));
            default -> r.nextDouble();
        };
    }

    /** {@code v} as Influx text: shortest, plain decimal (the parser's one-pass path) or an integer {@code 12i}. */
    private static String valueText(final SplittableRandom r, final double v) {
        return switch (r.nextInt(3)) {
            case 0 -> Double.toString(v);
            case 1 -> new java.math.BigDecimal(Double.toString(v)).toPlainString();
            default -> v == Math.rint(v) && Math.abs(v) < 0x1p53 && !(v == 0 && 1 / v < 0)
                ? (long) v + "i" : Double.toString(v);
        };
    }

    @Test
    void shouldRoundTripRandomSamplesWhenWrittenAsInfluxLines() {
        final long seed = Seeds.seed();
        final SplittableRandom r = new SplittableRandom(seed);
        final InfluxLineParser parser = new InfluxLineParser(ParseLimits.DEFAULT, false);
        for (int round = 0; round < 200; round++) {
            final StringBuilder body = new StringBuilder();
            final List<StagedContent.Row> want = new ArrayList<>();
            final int lines = 1 + r.nextInt(50);
            final List<Object[]> seen = new ArrayList<>();
            for (int i = 0; i < lines; i++) {
                final boolean repeat = !seen.isEmpty() && r.nextBoolean();
                final Object[] prev = repeat ? seen.get(r.nextInt(seen.size())) : null;
                final String measurement = repeat ? (String) prev[0] : name(r, 10);
                final String field = repeat && r.nextInt(4) > 0 ? (String) prev[1] : name(r, 6);
                @SuppressWarnings("unchecked")
                final List<String[]> tags = repeat ? (List<String[]>) prev[2] : tags(r);
                seen.add(new Object[] {measurement, field, tags});
                final double v = randomValue(r);
                final long ts = r.nextLong(-1L << 50, 1L << 50);
                InfluxLineWriter.line(body, measurement, tags, field, valueText(r, v), ts);
                final LabelSet.Builder b = LabelSet.builder().add("__name__", measurement + "_" + field);
                tags.forEach(t -> b.add(t[0], t[1]));
                want.add(new StagedContent.Row(b.build(), ts, Double.doubleToRawLongBits(v), 0));
            }
            final byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
            final StagedSamples s = StagedContent.staging(1, 10_000);
            assertEquals(ParseStatus.COMPLETE, parser.parse(bytes, 0, bytes.length, InfluxPrecision.MS, 0, s),
                () -> "seed=" + seed + " " + parser.error());
            assertEquals(want, StagedContent.rows(s), "seed=" + seed);
        }
    }

    @Test
    void shouldRoundTripRandomSamplesWhenWrittenAsRemoteWrite() {
        final long seed = Seeds.seed();
        final SplittableRandom r = new SplittableRandom(seed);
        final RemoteWriteDecoder decoder = new RemoteWriteDecoder(ParseLimits.DEFAULT);
        for (int round = 0; round < 200; round++) {
            final List<RemoteWriteEncoder.Series> series = new ArrayList<>();
            final List<StagedContent.Row> want = new ArrayList<>();
            final int n = 1 + r.nextInt(20);
            for (int i = 0; i < n; i++) {
                final List<String[]> labels = tags(r);
                final String metric = name(r, 12) + ":" + i;
                labels.add(r.nextInt(labels.size() + 1), new String[] {"__name__", metric});
                final int samples = r.nextInt(5);
                final long[] ts = new long[samples];
                final long[] bits = new long[samples];
                final LabelSet.Builder b = LabelSet.builder();
                labels.forEach(l -> b.add(l[0], l[1]));
                final LabelSet set = b.build();
                for (int k = 0; k < samples; k++) {
                    ts[k] = r.nextLong();
                    bits[k] = r.nextInt(4) == 0 ? r.nextLong() : Double.doubleToRawLongBits(randomValue(r));
                    want.add(new StagedContent.Row(set, ts[k], bits[k], 0));
                }
                series.add(new RemoteWriteEncoder.Series(labels, ts, bits));
            }
            final byte[] body = RemoteWriteEncoder.body(series);
            final StagedSamples s = StagedContent.staging(1, 10_000);
            assertEquals(ParseStatus.COMPLETE, decoder.decode(body, 0, body.length, s),
                () -> "seed=" + seed + " " + decoder.error());
            assertEquals(want, StagedContent.rows(s), "seed=" + seed);
        }
    }
}
