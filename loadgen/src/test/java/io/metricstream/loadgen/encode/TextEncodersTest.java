package io.metricstream.loadgen.encode;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.metricstream.contracts.model.LabelSet;
import io.metricstream.loadgen.generate.SampleBatch;
import io.metricstream.loadgen.generate.SeriesCatalog;
import io.metricstream.loadgen.generate.ValueStyle;
import io.metricstream.testsupport.Seeds;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Round trips of line protocol, seed JSON and Prometheus text through parsers written here. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TextEncodersTest {
    record Parsed(LabelSet labels, long ts, double value) {
    }

    private static String encode(final BodyEncoder enc, final SampleBatch b) {
        final ByteBuf out = Unpooled.buffer();
        enc.encode(b, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static void assertRoundTrip(final SeriesCatalog c, final SampleBatch b, final List<Parsed> parsed,
                                        final String context) {
        assertEquals(b.size(), parsed.size(), context);
        for (int i = 0; i < b.size(); i++) {
            final Parsed p = parsed.get(i);
            assertEquals(c.labels(b.seriesId(i)), p.labels(), context + " #" + i);
            assertEquals(b.timestampMs(i), p.ts(), context + " #" + i);
            assertEquals(Double.doubleToLongBits(b.value(i)), Double.doubleToLongBits(p.value()), context + " #" + i
                + " value " + b.value(i) + " vs " + p.value());
        }
    }

    /** Splits on {@code sep} outside backslash escapes; keeps escapes (unescaped later). */
    private static List<String> split(final String s, final char sep) {
        final List<String> parts = new ArrayList<>();
        final StringBuilder cur = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            final char ch = s.charAt(i);
            if (ch == '\\' && i + 1 < s.length() && (s.charAt(i + 1) == ',' || s.charAt(i + 1) == ' '
                || s.charAt(i + 1) == '=')) {
                cur.append(ch).append(s.charAt(++i));
            } else if (ch == sep) {
                parts.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(ch);
            }
        }
        parts.add(cur.toString());
        return parts;
    }

    private static String unescape(final String s) {
        return s.replace("\\,", ",").replace("\\ ", " ").replace("\\=", "=");
    }

    static List<Parsed> parseLineProtocol(final String body) {
        final List<Parsed> out = new ArrayList<>();
        for (String line : body.split("\n")) {
            final List<String> parts = split(line, ' ');
            assertEquals(3, parts.size(), line);
            final List<String> head = split(parts.get(0), ',');
            final LabelSet.Builder l = LabelSet.builder().add("__name__", unescape(head.get(0)));
            for (String tag : head.subList(1, head.size())) {
                final List<String> kv = split(tag, '=');
                l.add(unescape(kv.get(0)), unescape(kv.get(1)));
            }
            String field = parts.get(1);
            assertEquals("value=", field.substring(0, 6), line);
            field = field.substring(6);
            if (field.endsWith("i")) {
                field = field.substring(0, field.length() - 1);
            }
            out.add(new Parsed(l.build(), Long.parseLong(parts.get(2)), Double.parseDouble(field)));
        }
        return out;
    }

    @Test
    void shouldRoundTripLineProtocolWhenLabelsNeedEscaping() {
        final long seed = Seeds.seed();
        final SplittableRandom rnd = new SplittableRandom(seed);
        for (int trial = 0; trial < 200; trial++) {
            final SeriesCatalog c = Batches.catalog(rnd, 1 + rnd.nextInt(20));
            final SampleBatch b = Batches.batch(rnd, c, 1 + rnd.nextInt(100), false);
            final String body = encode(new LineProtocolEncoder(c, LineProtocolEncoder.Precision.MS), b);
            assertRoundTrip(c, b, parseLineProtocol(body), "seed=" + seed + " trial=" + trial);
        }
    }

    @Test
    void shouldWriteGenPyStyleWhenSeriesHaveStyles() {
        final SeriesCatalog c = SeriesCatalog.builder()
            .series(LabelSet.of("__name__", "g", "host", "h00"), ValueStyle.DECIMAL2).build();
        final SeriesCatalog k = SeriesCatalog.builder()
            .series(LabelSet.of("__name__", "c", "host", "h00"), ValueStyle.INTEGER).build();
        final SampleBatch b = new SampleBatch(2);
        b.add(0, 1_704_067_200_000L, 12.3);
        b.add(0, 1_704_067_215_000L, -0.05);
        assertEquals("g,host=h00 value=12.30 1704067200\ng,host=h00 value=-0.05 1704067215\n",
            encode(new LineProtocolEncoder(c, LineProtocolEncoder.Precision.S), b));
        assertEquals("g,host=h00 value=12.30 1704067200000000000\ng,host=h00 value=-0.05 1704067215000000000\n",
            encode(new LineProtocolEncoder(c, LineProtocolEncoder.Precision.NS), b));
        final SampleBatch one = new SampleBatch(1);
        one.add(0, 5, 42);
        assertEquals("c,host=h00 value=42i 5\n", encode(new LineProtocolEncoder(k, LineProtocolEncoder.Precision.MS),
            one));
        assertEquals("c{host=\"h00\"} 42 5\n", encode(new PromTextEncoder(k), one));
        assertEquals("{\"name\":\"c\",\"labels\":{\"host\":\"h00\"},\"timestamp\":5,\"value\":42}",
            encode(new SeedJsonEncoder(k), one));
    }

    @Test
    void shouldRoundTripSeedJsonWhenValuesIncludeNanAndInfinity() throws Exception {
        final long seed = Seeds.seed();
        final SplittableRandom rnd = new SplittableRandom(seed);
        final ObjectMapper mapper = new ObjectMapper();
        for (int trial = 0; trial < 200; trial++) {
            final SeriesCatalog c = Batches.catalog(rnd, 1 + rnd.nextInt(20));
            final SampleBatch b = Batches.batch(rnd, c, 1 + rnd.nextInt(100), true);
            final JsonNode root = mapper.readTree(encode(new SeedJsonEncoder(c), b));
            final List<Parsed> parsed = new ArrayList<>();
            for (JsonNode o : root.isArray() ? root : List.of(root)) {
                final LabelSet.Builder l = LabelSet.builder().add("__name__", o.get("name").asText());
                if (o.has("labels")) {
                    final Iterator<Map.Entry<String, JsonNode>> it = o.get("labels").fields();
                    while (it.hasNext()) {
                        final Map.Entry<String, JsonNode> e = it.next();
                        l.add(e.getKey(), e.getValue().asText());
                    }
                }
                final JsonNode v = o.get("value");
                final double value = v.isTextual() ? switch (v.asText()) {
                    case "NaN" -> Double.NaN;
                    case "+Inf" -> Double.POSITIVE_INFINITY;
                    default -> Double.NEGATIVE_INFINITY;
                } : Double.parseDouble(v.asText());
                parsed.add(new Parsed(l.build(), o.get("timestamp").asLong(), value));
            }
            assertRoundTrip(c, b, parsed, "seed=" + seed + " trial=" + trial);
        }
    }

    @Test
    void shouldRoundTripPromTextWhenLabelValuesHaveQuotes() {
        final long seed = Seeds.seed();
        final SplittableRandom rnd = new SplittableRandom(seed);
        for (int trial = 0; trial < 200; trial++) {
            final SeriesCatalog c = Batches.catalog(rnd, 1 + rnd.nextInt(20));
            final SampleBatch b = Batches.batch(rnd, c, 1 + rnd.nextInt(100), true);
            final List<Parsed> parsed = new ArrayList<>();
            for (String line : encode(new PromTextEncoder(c), b).split("\n")) {
                final int brace = line.indexOf('{');
                final LabelSet.Builder l = LabelSet.builder().add("__name__", line.substring(0, brace));
                int i = brace + 1;
                while (line.charAt(i) != '}') {
                    final int eq = line.indexOf('=', i);
                    final String name = line.substring(i, eq);
                    final StringBuilder v = new StringBuilder();
                    i = eq + 2;
                    while (line.charAt(i) != '"') {
                        char ch = line.charAt(i++);
                        if (ch == '\\') {
                            ch = line.charAt(i++);
                            ch = ch == 'n' ? '\n' : ch;
                        }
                        v.append(ch);
                    }
                    l.add(name, v.toString());
                    i++;
                    if (line.charAt(i) == ',') {
                        i++;
                    }
                }
                final String[] rest = line.substring(i + 2).split(" ");
                final double value = switch (rest[0]) {
                    case "NaN" -> Double.NaN;
                    case "+Inf" -> Double.POSITIVE_INFINITY;
                    case "-Inf" -> Double.NEGATIVE_INFINITY;
                    default -> Double.parseDouble(rest[0]);
                };
                parsed.add(new Parsed(l.build(), Long.parseLong(rest[1]), value));
            }
            assertRoundTrip(c, b, parsed, "seed=" + seed + " trial=" + trial);
        }
    }
}
