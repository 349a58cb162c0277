package io.metricstream.ingestion.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.model.StaleMarker;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RemoteWriteDecoderTest {
    private static RemoteWriteEncoder.Series series(final long[] ts, final long[] bits, final String... labels) {
        final List<String[]> l = new ArrayList<>();
        for (int i = 0; i < labels.length; i += 2) {
            l.add(new String[] {labels[i], labels[i + 1]});
        }
        return new RemoteWriteEncoder.Series(l, ts, bits);
    }

    private static long bits(final double v) {
        return Double.doubleToRawLongBits(v);
    }

    private static RemoteWriteDecoder decoder() {
        return new RemoteWriteDecoder(new ParseLimits(4, 16, 16, 5, 1 << 20));
    }

    @Test
    void shouldDecodeSeriesSortedWithRawBitsWhenBodyIsValid() {
        final byte[] body = RemoteWriteEncoder.body(List.of(
            series(new long[] {1, 2}, new long[] {bits(1.5), StaleMarker.BITS}, "job", "api", "__name__", "up",
                "empty", ""),
            series(new long[] {-3}, new long[] {bits(Double.NaN)}, "__name__", "x")));
        final StagedSamples s = StagedContent.staging(8, 10);
        assertEquals(ParseStatus.COMPLETE, decoder().decode(body, 0, body.length, s));
        final List<StagedContent.Row> rows = StagedContent.rows(s);
        assertEquals(3, rows.size());
        assertEquals(LabelSet.of("__name__", "up", "job", "api"), rows.get(0).labels());
        assertEquals(StaleMarker.BITS, rows.get(1).valueBits());
        assertEquals(2, rows.get(1).timestampMs());
        assertEquals(-3, rows.get(2).timestampMs());
        assertEquals(rows.get(0).partition(), rows.get(1).partition());
    }

    @Test
    void shouldSkipUnknownFieldsHistogramsAndMetadataWhenPresent() {
        final ByteArrayOutputStream ts = new ByteArrayOutputStream();
        ts.writeBytes(RemoteWriteEncoder.timeSeries(series(new long[] {5}, new long[] {bits(2)}, "__name__", "m")));
        RemoteWriteEncoder.tag(ts, 4, 2); // native histogram: skipped and counted
        RemoteWriteEncoder.varint(ts, 2);
        ts.write(8);
        ts.write(1);
        RemoteWriteEncoder.tag(ts, 9, 5); // unknown fixed32
        ts.writeBytes(new byte[4]);
        final ByteArrayOutputStream req = new ByteArrayOutputStream();
        RemoteWriteEncoder.tag(req, 1, 2);
        RemoteWriteEncoder.varint(req, ts.size());
        req.writeBytes(ts.toByteArray());
        RemoteWriteEncoder.string(req, 3, "metadata is ignored");
        final byte[] raw = req.toByteArray();
        final StagedSamples s = StagedContent.staging(8, 10);
        assertEquals(ParseStatus.COMPLETE, decoder().decodeProtobuf(raw, 0, raw.length, s));
        assertEquals(1, s.sampleCount());
        assertEquals(1, s.skippedValues());
    }

    private static void bad(final byte[] raw, final boolean compressed, final int index, final String field,
                            final String reasonPart) {
        final RemoteWriteDecoder d = decoder();
        final StagedSamples s = StagedContent.staging(8, 5);
        final ParseStatus st = compressed ? d.decode(raw, 0, raw.length, s) : d.decodeProtobuf(raw, 0, raw.length, s);
        assertEquals(ParseStatus.ERROR, st);
        final ParseError e = d.error();
        assertEquals(index, e.index(), e.toString());
        assertEquals(field, e.field(), e.toString());
        assertTrue(e.reason().contains(reasonPart), e.toString());
        assertEquals(ParseError.NONE, e.line());
    }

    private static byte[] req(final RemoteWriteEncoder.Series... s) {
        return RemoteWriteEncoder.writeRequest(List.of(s));
    }

    @Test
    void shouldRejectWithSeriesAndFieldWhenBodyIsMalformed() {
        final long[] one = {1};
        final long[] v = {bits(1)};
        bad("not snappy at all".getBytes(StandardCharsets.UTF_8), true, ParseError.NONE, null, "snappy");
        bad(req(series(one, v, "job", "x")), false, 0, "timeseries[0].labels", "missing __name__");
        bad(req(series(one, v, "__name__", "ok"), series(one, v, "__name__", "1bad")), false, 1,
            "timeseries[1].labels[0].value", "invalid metric name");
        bad(req(series(one, v, "__name__", "m", "b-ad", "x")), false, 0, "timeseries[0].labels[1].name",
            "invalid character '-'");
        bad(req(series(one, v, "__name__", "m", "__x", "x")), false, 0, "timeseries[0].labels[1].name", "reserved");
        bad(req(series(one, v, "__name__", "m", "a", "1", "a", "2")), false, 0, "timeseries[0].labels[2].name",
            "duplicate label");
        bad(req(series(one, v, "__name__", "m", "a", "1", "b", "2", "c", "3", "d", "4")), false, 0,
            "timeseries[0].labels[4]", "too many labels");
        bad(req(series(one, v, "__name__", "m", "a", "xxxxxxxxxxxxxxxxxxxxxxxxx")), false, 0,
            "timeseries[0].labels[1]", "value too long");
        bad(req(series(new long[] {1, 2, 3, 4, 5, 6}, new long[] {1, 2, 3, 4, 5, 6}, "__name__", "m")), false, 0,
            "timeseries[0].samples[5]", "too many samples");
        final byte[] ok = req(series(one, v, "__name__", "m"));
        final byte[] truncated = java.util.Arrays.copyOf(ok, ok.length - 3);
        bad(truncated, false, 0, "timeseries[0]", "bad length");
        bad(new byte[] {(byte) 0x0b}, false, 0, "field 1", "cannot skip");
    }

    @Test
    void shouldRejectDecompressedSizeAboveBoundWhenSnappyDeclaresTooMuch() {
        final byte[] body = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0x7f, 0};
        final RemoteWriteDecoder d = decoder();
        assertEquals(ParseStatus.ERROR, d.decode(body, 0, body.length, StagedContent.staging(1, 5)));
        assertTrue(d.error().reason().contains("too large"), d.error().toString());
    }
}
