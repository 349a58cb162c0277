package io.metricstream.contracts.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.contracts.model.LabelSet;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SeedJsonCodecTest {
    private static final long NOW_MS = 1_700_000_000_000L;
    /** 2025-09-17T13:45:23.123Z. */
    private static final long SEED_MS = 1_758_116_723_123L;
    private static final SeedJsonCodec.Limits SMALL = new SeedJsonCodec.Limits(3, 8, 10, 4);

    /** Renders each sample the sink saw as {@code name{labels} value @ts [client=c]}. */
    private static final class RecordingSink implements SampleSink {
        final List<String> samples = new ArrayList<>();

        @Override
        public void sample(final CharSequence metricName, final MutableLabels labels, final long timestampMs,
                           final double value, final CharSequence clientIdOrNull) {
            samples.add(labels.toLabelSet(metricName) + " " + value + " @" + timestampMs
                + (clientIdOrNull == null ? "" : " client=" + clientIdOrNull));
        }
    }

    private static List<String> parseOk(final SeedJsonCodec codec, final String body) {
        final RecordingSink sink = new RecordingSink();
        final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        final ParseStatus status = codec.parse(bytes, 0, bytes.length, NOW_MS, sink);
        assertEquals(ParseStatus.COMPLETE, status, () -> "body " + body + ": " + codec.error());
        assertNull(codec.error());
        assertEquals(sink.samples.size(), codec.sampleCount());
        return sink.samples;
    }

    /** Parses a valid body and compares the rendered samples. */
    private static void valid(final String body, final String... expected) {
        assertEquals(List.of(expected), parseOk(new SeedJsonCodec(SeedJsonCodec.Limits.DEFAULTS), body),
            () -> "body " + body);
    }

    /** Parses an invalid body and compares where and why it failed. */
    private static void invalid(final String body, final int index, final int line, final String field,
                                final String reasonPrefix) {
        invalid(SeedJsonCodec.Limits.DEFAULTS, body, index, line, field, reasonPrefix);
    }

    private static void invalid(final SeedJsonCodec.Limits limits, final String body, final int index, final int line,
                                final String field, final String reasonPrefix) {
        final SeedJsonCodec codec = new SeedJsonCodec(limits);
        final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        final ParseStatus status = codec.parse(bytes, 0, bytes.length, NOW_MS, (n, l, t, v, c) -> { });
        assertEquals(ParseStatus.ERROR, status, () -> "body " + body);
        final ParseError e = codec.error();
        final String where = "body " + body + ": " + e;
        assertEquals(index, e.index(), where);
        assertEquals(line, e.line(), where);
        assertEquals(field, e.field(), where);
        assertTrue(e.reason().startsWith(reasonPrefix), where);
        assertEquals(e.reason().toLowerCase(java.util.Locale.ROOT).charAt(0), e.reason().charAt(0), where);
    }

    @Test
    void shouldReadSamplesWhenBodyIsObjectArrayOrJsonLines() {
        final String a = "{\"name\":\"a\",\"value\":1}";
        final String b = "{\"name\":\"b\",\"value\":2}";
        valid(a, "a{} 1.0 @" + NOW_MS);
        valid("[" + a + "," + b + "]", "a{} 1.0 @" + NOW_MS, "b{} 2.0 @" + NOW_MS);
        valid(a + "\n" + b + "\n", "a{} 1.0 @" + NOW_MS, "b{} 2.0 @" + NOW_MS);
        valid(a + "\r\n" + b, "a{} 1.0 @" + NOW_MS, "b{} 2.0 @" + NOW_MS);
        valid(a + b, "a{} 1.0 @" + NOW_MS, "b{} 2.0 @" + NOW_MS);
        valid("  \n[\n  " + a + ",\n  " + b + "\n]\n\n", "a{} 1.0 @" + NOW_MS, "b{} 2.0 @" + NOW_MS);
        valid("[]");
        valid(" [ ] ");
        valid("\uFEFF" + a, "a{} 1.0 @" + NOW_MS);
    }

    @Test
    void shouldReadSeedLineWhenAllFieldsGiven() {
        valid("{\"timestamp\":\"2025-09-17T13:45:23.123Z\",\"name\":\"cpu_usage\",\"value\":75.5,"
            + "\"labels\":{\"host\":\"h1\"},\"client_id\":\"c1\"}",
            "cpu_usage{host=\"h1\"} 75.5 @" + SEED_MS + " client=c1");
        valid("{\"client_id\":\"c1\",\"labels\":{\"host\":\"h1\"},\"value\":75.5,\"name\":\"cpu_usage\","
            + "\"timestamp\":\"2025-09-17T13:45:23.123Z\"}",
            "cpu_usage{host=\"h1\"} 75.5 @" + SEED_MS + " client=c1");
    }

    @Test
    void shouldReadTimestampWhenGivenInAnySupportedForm() {
        final String pre = "{\"name\":\"m\",\"value\":1,\"timestamp\":";
        valid(pre + "\"2025-09-17T13:45:23.123Z\"}", "m{} 1.0 @" + SEED_MS);
        valid(pre + "\"2025-09-17T13:45:23.123456789Z\"}", "m{} 1.0 @" + SEED_MS);
        valid(pre + "\"2025-09-17T13:45:23.1Z\"}", "m{} 1.0 @" + (SEED_MS - 23));
        valid(pre + "\"2025-09-17T13:45:23Z\"}", "m{} 1.0 @" + (SEED_MS - 123));
        valid(pre + "\"2025-09-17T13:45Z\"}", "m{} 1.0 @" + (SEED_MS - 23_123));
        valid(pre + "\"2025-09-17t13:45:23.123z\"}", "m{} 1.0 @" + SEED_MS);
        valid(pre + "\"2025-09-17T15:45:23.123+02:00\"}", "m{} 1.0 @" + SEED_MS);
        valid(pre + "\"2025-09-17T08:15:23.123-05:30\"}", "m{} 1.0 @" + SEED_MS);
        valid(pre + "\"2025-09-17T15:45:23.123+02\"}", "m{} 1.0 @" + SEED_MS);
        valid(pre + "\"2025-09-17T13:45:23.123-00:00\"}", "m{} 1.0 @" + SEED_MS);
        valid(pre + "\"1969-12-31T23:59:59.9999Z\"}", "m{} 1.0 @-1");
        valid(pre + "1758116723123}", "m{} 1.0 @" + SEED_MS);
        valid(pre + "-1}", "m{} 1.0 @-1");
        valid(pre + "0}", "m{} 1.0 @0");
        valid(pre + "9223372036854775807}", "m{} 1.0 @" + Long.MAX_VALUE);
        valid(pre + "-9223372036854775808}", "m{} 1.0 @" + Long.MIN_VALUE);
        valid(pre + "1758116723123.9}", "m{} 1.0 @" + SEED_MS);
        valid(pre + "1.758116723123e12}", "m{} 1.0 @" + SEED_MS);
        valid(pre + "-1.5}", "m{} 1.0 @-1");
        valid(pre + "null}", "m{} 1.0 @" + NOW_MS);
        valid("{\"name\":\"m\",\"value\":1}", "m{} 1.0 @" + NOW_MS);
    }

    @Test
    void shouldReadValueWhenNumberOrSpecialString() {
        final String pre = "{\"name\":\"m\",\"value\":";
        valid(pre + "75.5}", "m{} 75.5 @" + NOW_MS);
        valid(pre + "-3}", "m{} -3.0 @" + NOW_MS);
        valid(pre + "-0.0}", "m{} -0.0 @" + NOW_MS);
        valid(pre + "1e308}", "m{} 1.0E308 @" + NOW_MS);
        valid(pre + "4.9e-324}", "m{} 4.9E-324 @" + NOW_MS);
        valid(pre + "1e-400}", "m{} 0.0 @" + NOW_MS);
        valid(pre + "123456789012345678901234567890}", "m{} 1.2345678901234568E29 @" + NOW_MS);
        valid(pre + "9007199254740993}", "m{} 9.007199254740992E15 @" + NOW_MS);
        valid(pre + "\"NaN\"}", "m{} NaN @" + NOW_MS);
        valid(pre + "\"+Inf\"}", "m{} Infinity @" + NOW_MS);
        valid(pre + "\"Inf\"}", "m{} Infinity @" + NOW_MS);
        valid(pre + "\"-Inf\"}", "m{} -Infinity @" + NOW_MS);
    }

    @Test
    void shouldReadLabelsWhenValidAndDropEmptyValues() {
        final String pre = "{\"name\":\"m\",\"value\":1,\"labels\":";
        valid(pre + "{\"b\":\"2\",\"a\":\"1\",\"_c9\":\"3\"}}", "m{_c9=\"3\", a=\"1\", b=\"2\"} 1.0 @" + NOW_MS);
        valid(pre + "{\"a\":\"\",\"b\":\"x\"}}", "m{b=\"x\"} 1.0 @" + NOW_MS);
        valid(pre + "{}}", "m{} 1.0 @" + NOW_MS);
        valid(pre + "null}", "m{} 1.0 @" + NOW_MS);
        valid(pre + "{\"q\":\"say \\\"hi\\\"\\n\",\"u\":\"\u00e9\u6f22\ud83d\ude00\"}}",
            "m{q=\"say \\\"hi\\\"\\n\", u=\"\u00e9\u6f22\ud83d\ude00\"} 1.0 @" + NOW_MS);
        valid("{\"name\":\"ns:sub_total\",\"value\":1,\"client_id\":\"\"}", "ns:sub_total{} 1.0 @" + NOW_MS);
        valid("{\"name\":\"m\",\"value\":1,\"client_id\":null}", "m{} 1.0 @" + NOW_MS);
    }

    @Test
    void shouldRejectBodyWhenShapeIsWrong() {
        invalid("", -1, 1, null, "got empty body; want an object, an array of objects or json lines");
        invalid(" \n\t ", -1, 1, null, "got empty body");
        invalid("42", 0, 1, null, "got number 42; want object");
        invalid("\"x\"", 0, 1, null, "got string \"x\"; want object");
        invalid("[1]", 0, 1, null, "got number 1; want object");
        invalid("[{\"name\":\"a\",\"value\":1},[]]", 1, 1, null, "got array; want object");
        invalid("[{\"name\":\"a\",\"value\":1}] {\"name\":\"a\",\"value\":1}", -1, 1, null,
            "got content after the array; want end of body");
        invalid("{\"name\":\"a\",\"value\":1}\n[]", 1, 2, null, "got array; want object");
        invalid("{\"name\":\"a\",\"value\":1}\nnull", 1, 2, null, "got null; want object");
    }

    @Test
    void shouldRejectBodyWhenJsonIsMalformed() {
        invalid("{", 0, 1, null, "got malformed json (unexpected end-of-input");
        invalid("{\"name\":\"a\",\"value\":1", 0, 1, null, "got malformed json (unexpected end-of-input");
        invalid("[{\"name\":\"a\",\"value\":1},", 1, 1, null, "got malformed json (");
        invalid("{\"name\":\"a\",\"value\":1,}", 0, 1, null, "got malformed json (unexpected character");
        invalid("{\"name\":\"a\",\"value\":01}", 0, 1, null, "got malformed json (invalid numeric value");
        invalid("{\"name\":\"a\",\"value\":NaN}", 0, 1, null, "got malformed json (");
        invalid("{name:\"a\"}", 0, 1, null, "got malformed json (unexpected character");
        invalid("{\"name\":\"a\",\"value\":1}\n{\"name\":'a'}", 1, 2, null, "got malformed json (unexpected character");
        invalid("{\"name\":\"a\",\"value\":1}\n\n}", 1, 3, null, "got malformed json (unexpected close marker");
    }

    @Test
    void shouldRejectBodyWhenUtf8IsInvalid() {
        final byte[] body = {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xff, '"', '}'};
        final SeedJsonCodec codec = new SeedJsonCodec(SeedJsonCodec.Limits.DEFAULTS);
        assertEquals(ParseStatus.ERROR, codec.parse(body, 0, body.length, NOW_MS, (n, l, t, v, c) -> { }));
        assertTrue(codec.error().reason().startsWith("got malformed json (invalid utf-8"), codec.error().reason());
    }

    @Test
    void shouldRejectObjectWhenFieldIsMissingUnknownOrRepeated() {
        invalid("{\"value\":1}", 0, 1, "name", "got no name; want a metric name");
        invalid("{\"name\":\"m\"}", 0, 1, "value", "got no value; want a number");
        invalid("{}", 0, 1, "name", "got no name");
        invalid("{\"name\":\"m\",\"value\":1,\"lables\":{}}", 0, 1, "lables",
            "got unknown field; want timestamp, name, value, labels or client_id");
        invalid("{\"name\":\"m\",\"value\":1,\"Name\":\"x\"}", 0, 1, "Name", "got unknown field");
        invalid("{\"name\":\"m\",\"value\":1,\"name\":\"x\"}", 0, 1, "name", "got field twice; want it once");
        invalid("{\"name\":\"m\",\n\"value\":1,\n\"value\":2}", 0, 3, "value", "got field twice");
        invalid("[\n{\"name\":\"m\",\"value\":1},\n{\"name\":\"m\"\n}\n]", 1, 4, "value", "got no value");
    }

    @Test
    void shouldRejectNameWhenNotAValidMetricName() {
        invalid("{\"name\":\"\",\"value\":1}", 0, 1, "name", "got \"\"; want a metric name matching");
        invalid("{\"name\":\"cpu usage\",\"value\":1}", 0, 1, "name", "got \"cpu usage\"; want a metric name");
        invalid("{\"name\":\"9lives\",\"value\":1}", 0, 1, "name", "got \"9lives\"");
        invalid("{\"name\":1,\"value\":1}", 0, 1, "name", "got number 1; want a metric name string");
        invalid("{\"name\":null,\"value\":1}", 0, 1, "name", "got null; want a metric name string");
        invalid("{\"name\":\"a\\n\\\"b\",\"value\":1}", 0, 1, "name", "got \"a\\u000a\\\"b\"");
        invalid(SMALL, "{\"name\":\"abcdefghijk\",\"value\":1}", 0, 1, "name", "got 11 chars; want <= 10");
    }

    @Test
    void shouldRejectValueWhenNotANumberOrSpecialString() {
        final String pre = "{\"name\":\"m\",\"value\":";
        invalid(pre + "\"1.5\"}", 0, 1, "value",
            "got string \"1.5\"; want a number or one of \"NaN\", \"+Inf\", \"-Inf\", \"Inf\"");
        invalid(pre + "\"nan\"}", 0, 1, "value", "got string \"nan\"");
        invalid(pre + "\"Infinity\"}", 0, 1, "value", "got string \"Infinity\"");
        invalid(pre + "true}", 0, 1, "value", "got true; want a number");
        invalid(pre + "null}", 0, 1, "value", "got null; want a number");
        invalid(pre + "[1]}", 0, 1, "value", "got array; want a number");
        invalid(pre + "{}}", 0, 1, "value", "got object; want a number");
        invalid(pre + "1e400}", 0, 1, "value", "got 1e400, beyond float64; want a finite number");
        invalid(pre + "-1e400}", 0, 1, "value", "got -1e400, beyond float64");
    }

    @Test
    void shouldRejectTimestampWhenNotIsoOrEpochMs() {
        final String pre = "{\"name\":\"m\",\"value\":1,\"timestamp\":";
        invalid(pre + "\"2025-09-17T13:45:23\"}", 0, 1, "timestamp",
            "got \"2025-09-17T13:45:23\"; want an iso-8601 timestamp with zone like 2025-09-17T13:45:23.123Z");
        invalid(pre + "\"2025-09-17 13:45:23Z\"}", 0, 1, "timestamp", "got \"2025-09-17 13:45:23Z\"");
        invalid(pre + "\"2025-02-29T00:00:00Z\"}", 0, 1, "timestamp", "got \"2025-02-29T00:00:00Z\"");
        invalid(pre + "\"2025-09-17T24:00:00Z\"}", 0, 1, "timestamp", "got \"2025-09-17T24:00:00Z\"");
        invalid(pre + "\"2025-09-17T13:45:23+18:01\"}", 0, 1, "timestamp", "got \"2025-09-17T13:45:23+18:01\"");
        invalid(pre + "\"2025-09-17T13:45:23.1234567891Z\"}", 0, 1, "timestamp", "got \"");
        invalid(pre + "\"1758116723123\"}", 0, 1, "timestamp", "got \"1758116723123\"");
        invalid(pre + "\"\"}", 0, 1, "timestamp", "got \"\"");
        invalid(pre + "9223372036854775808}", 0, 1, "timestamp", "got 9223372036854775808, beyond int64");
        invalid(pre + "1e19}", 0, 1, "timestamp", "got 1e19, beyond int64; want epoch ms");
        invalid(pre + "true}", 0, 1, "timestamp", "got true; want an iso-8601 timestamp string or epoch ms");
        invalid(pre + "{}}", 0, 1, "timestamp", "got object");
    }

    @Test
    void shouldRejectLabelsWhenNamesOrValuesAreInvalid() {
        final String pre = "{\"name\":\"m\",\"value\":1,\"labels\":";
        invalid(pre + "[]}", 0, 1, "labels", "got array; want an object of label name to string");
        invalid(pre + "\"a=b\"}", 0, 1, "labels", "got string \"a=b\"");
        invalid(pre + "{\"__name__\":\"x\"}}", 0, 1, "labels.__name__",
            "got reserved label __name__; want the metric name in \"name\"");
        invalid(pre + "{\"__meta\":\"x\"}}", 0, 1, "labels.__meta", "got reserved label name (\"__\" prefix)");
        invalid(pre + "{\"a-b\":\"x\"}}", 0, 1, "labels.a-b",
            "got invalid label name; want [a-zA-Z_][a-zA-Z0-9_]*");
        invalid(pre + "{\"\":\"x\"}}", 0, 1, "labels.", "got invalid label name");
        invalid(pre + "{\"a:b\":\"x\"}}", 0, 1, "labels.a:b", "got invalid label name");
        invalid(pre + "{\"a\":1}}", 0, 1, "labels.a", "got number 1; want a string");
        invalid(pre + "{\"a\":null}}", 0, 1, "labels.a", "got null; want a string");
        invalid(pre + "{\"a\":\"1\",\"b\":\"2\",\"a\":\"3\"}}", 0, 1, "labels.a", "got label name twice; want it once");
        invalid(pre + "{\"a\":\"\",\"a\":\"3\"}}", 0, 1, "labels.a", "got label name twice");
        invalid(pre + "{\"a\":\"\\ud800\"}}", 0, 1, "labels.a", "got a lone utf-16 surrogate; want valid unicode");
        invalid(pre + "{\"a\":\"x\\udc00\"}}", 0, 1, "labels.a", "got a lone utf-16 surrogate");
    }

    @Test
    void shouldRejectWhenLimitIsExceeded() {
        invalid(SMALL, "{\"name\":\"m\",\"value\":1,\"labels\":{\"a\":\"1\",\"b\":\"2\",\"c\":\"\",\"d\":\"4\"}}",
            0, 1, "labels", "got more than 3 labels; want <= 3");
        invalid(SMALL, "{\"name\":\"m\",\"value\":1,\"labels\":{\"abcdefghi\":\"1\"}}", 0, 1, "labels.abcdefghi",
            "got label name of 9 chars; want <= 8");
        invalid(SMALL, "{\"name\":\"m\",\"value\":1,\"labels\":{\"a\":\"12345678901\"}}", 0, 1, "labels.a",
            "got 11 chars; want <= 10");
        invalid(SMALL, "{\"name\":\"m\",\"value\":1,\"client_id\":\"12345678901\"}", 0, 1, "client_id",
            "got 11 chars; want <= 10");
        final String one = "{\"name\":\"m\",\"value\":1}\n";
        invalid(SMALL, one.repeat(5), 4, 5, null, "got more than 4 samples; want <= 4");
        invalid(SMALL, "[" + String.join(",", List.of(one, one, one, one, one)) + "]", 4, 5, null,
            "got more than 4 samples");
        assertEquals(4, parseOk(new SeedJsonCodec(SMALL), one.repeat(4)).size());
    }

    @Test
    void shouldRejectClientIdWhenNotAString() {
        invalid("{\"name\":\"m\",\"value\":1,\"client_id\":7}", 0, 1, "client_id", "got number 7; want a string");
        invalid("{\"name\":\"m\",\"value\":1,\"client_id\":\"\\udfff\"}", 0, 1, "client_id", "got a lone utf-16");
    }

    @Test
    void shouldReportSamplesBeforeErrorWhenLaterObjectIsInvalid() {
        final SeedJsonCodec codec = new SeedJsonCodec(SeedJsonCodec.Limits.DEFAULTS);
        final RecordingSink sink = new RecordingSink();
        final byte[] body = "{\"name\":\"a\",\"value\":1}\n{\"name\":\"b\",\"value\":2}\n{\"name\":\"c\"}"
            .getBytes(StandardCharsets.UTF_8);
        assertEquals(ParseStatus.ERROR, codec.parse(body, 0, body.length, NOW_MS, sink));
        assertEquals(List.of("a{} 1.0 @" + NOW_MS, "b{} 2.0 @" + NOW_MS), sink.samples);
        assertEquals(2, codec.sampleCount());
        assertEquals(new ParseError(2, 3, "value", "got no value; want a number"), codec.error());
        assertEquals("value: got no value; want a number (index=2 line=3)", codec.error().message());
    }

    @Test
    void shouldResetStateWhenCodecIsReusedAfterError() {
        final SeedJsonCodec codec = new SeedJsonCodec(SeedJsonCodec.Limits.DEFAULTS);
        final byte[] bad = "{\"name\":\"a\",\"value\":1,\"labels\":{\"x\":\"1\",\"y\":1}}"
            .getBytes(StandardCharsets.UTF_8);
        assertEquals(ParseStatus.ERROR, codec.parse(bad, 0, bad.length, NOW_MS, (n, l, t, v, c) -> { }));
        assertEquals(List.of("b{} 2.0 @5"), parseOk(codec, "{\"name\":\"b\",\"value\":2,\"timestamp\":5}"));
    }

    @Test
    void shouldParseSliceWhenOffsetAndLengthGiven() {
        final SeedJsonCodec codec = new SeedJsonCodec(SeedJsonCodec.Limits.DEFAULTS);
        final RecordingSink sink = new RecordingSink();
        final byte[] bytes = "xx{\"name\":\"a\",\"value\":1}yy".getBytes(StandardCharsets.UTF_8);
        assertEquals(ParseStatus.COMPLETE, codec.parse(bytes, 2, bytes.length - 4, NOW_MS, sink));
        assertEquals(List.of("a{} 1.0 @" + NOW_MS), sink.samples);
        assertThrows(IndexOutOfBoundsException.class, () -> codec.parse(bytes, 2, bytes.length, NOW_MS, sink));
    }

    @Test
    void shouldParseByteBufWhenHeapDirectOrCompositeAndLeaveIndicesAlone() {
        final byte[] bytes = "[{\"name\":\"a\",\"value\":1,\"labels\":{\"k\":\"v\"}}]".getBytes(StandardCharsets.UTF_8);
        final ByteBuf heap = Unpooled.buffer().writeZero(3).writeBytes(bytes).skipBytes(3);
        final ByteBuf direct = Unpooled.directBuffer().writeBytes(bytes);
        final CompositeByteBuf composite = Unpooled.compositeBuffer()
            .addComponent(true, Unpooled.wrappedBuffer(bytes, 0, 10))
            .addComponent(true, Unpooled.wrappedBuffer(bytes, 10, bytes.length - 10));
        try {
            for (final ByteBuf buf : List.of(heap, direct, composite)) {
                final SeedJsonCodec codec = new SeedJsonCodec(SeedJsonCodec.Limits.DEFAULTS);
                final RecordingSink sink = new RecordingSink();
                final int readerIndex = buf.readerIndex();
                assertEquals(ParseStatus.COMPLETE, codec.parse(buf, NOW_MS, sink),
                    () -> String.valueOf(codec.error()));
                assertEquals(List.of("a{k=\"v\"} 1.0 @" + NOW_MS), sink.samples);
                assertEquals(readerIndex, buf.readerIndex());
                assertEquals(1, buf.refCnt());
            }
            final ByteBuf truncated = Unpooled.directBuffer().writeBytes(bytes, 0, bytes.length - 2);
            final SeedJsonCodec codec = new SeedJsonCodec(SeedJsonCodec.Limits.DEFAULTS);
            assertEquals(ParseStatus.ERROR, codec.parse(truncated, NOW_MS, (n, l, t, v, c) -> { }));
            assertTrue(codec.error().reason().startsWith("got malformed json"), codec.error().reason());
            truncated.release();
        } finally {
            heap.release();
            direct.release();
            composite.release();
        }
    }

    @Test
    void shouldBuildLabelSetWithMetricNameWhenSinkAsks() {
        final List<LabelSet> sets = new ArrayList<>();
        final SeedJsonCodec codec = new SeedJsonCodec(SeedJsonCodec.Limits.DEFAULTS);
        final byte[] body = "{\"name\":\"up\",\"value\":1,\"labels\":{\"job\":\"api\",\"env\":\"prod\"}}"
            .getBytes(StandardCharsets.UTF_8);
        codec.parse(body, 0, body.length, NOW_MS, (n, l, t, v, c) -> {
            assertEquals(2, l.size());
            assertEquals("env", l.name(0));
            assertEquals("prod", l.value(0));
            assertEquals("api", l.get("job"));
            assertNull(l.get("nope"));
            sets.add(l.toLabelSet(n));
        });
        assertEquals(List.of(LabelSet.of("__name__", "up", "job", "api", "env", "prod")), sets);
    }

    @Test
    void shouldRejectLimitsWhenOutOfBounds() {
        assertThrows(IllegalArgumentException.class, () -> new SeedJsonCodec.Limits(0, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new SeedJsonCodec.Limits(1, 1, 21_846, 1));
        assertThrows(IllegalArgumentException.class, () -> new SeedJsonCodec.Limits(1, 1, 1, 0));
        assertEquals(new SeedJsonCodec.Limits(32, 128, 2048, 100_000), SeedJsonCodec.Limits.DEFAULTS);
    }
}
