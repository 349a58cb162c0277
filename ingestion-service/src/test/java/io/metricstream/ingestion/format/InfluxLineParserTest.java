package io.metricstream.ingestion.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.contracts.model.LabelSet;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class InfluxLineParserTest {
    private static final long NOW = 1_700_000_000_123L;

    private static List<StagedContent.Row> parse(final String body, final InfluxPrecision precision,
                                                 final boolean skipSingle) {
        final InfluxLineParser p = new InfluxLineParser(ParseLimits.DEFAULT, skipSingle);
        final StagedSamples s = StagedContent.staging(4, 1000);
        final byte[] b = body.getBytes(StandardCharsets.UTF_8);
        final ParseStatus st = p.parse(b, 0, b.length, precision, NOW, s);
        if (st != ParseStatus.COMPLETE) {
            throw new AssertionError("parse failed: " + p.error());
        }
        return StagedContent.rows(s);
    }

    private static void ok(final String body, final String series, final long ts, final double value) {
        final List<StagedContent.Row> rows = parse(body, InfluxPrecision.MS, false);
        assertEquals(1, rows.size(), body);
        assertEquals(series, rows.get(0).labels().toString(), body);
        assertEquals(ts, rows.get(0).timestampMs(), body);
        assertEquals(Double.doubleToRawLongBits(value), rows.get(0).valueBits(), body);
    }

    private static void bad(final String body, final int line, final String field, final String reasonPart) {
        final InfluxLineParser p = new InfluxLineParser(new ParseLimits(4, 16, 16, 3, 1 << 20), false);
        final StagedSamples s = StagedContent.staging(4, 3);
        final byte[] b = body.getBytes(StandardCharsets.UTF_8);
        assertEquals(ParseStatus.ERROR, p.parse(b, 0, b.length, InfluxPrecision.MS, NOW, s), body);
        final ParseError e = p.error();
        assertEquals(line, e.line(), body + " -> " + e);
        assertEquals(line - 1, e.index(), body + " -> " + e);
        assertEquals(field, e.field(), body + " -> " + e);
        assertTrue(e.reason().contains(reasonPart), body + " -> " + e);
    }

    @Test
    void shouldParseEveryValueKindWhenLineIsValid() {
        ok("cpu,host=a value=1.5 1000", "cpu_value{host=\"a\"}", 1000, 1.5);
        ok("cpu value=-2e3 1000", "cpu_value{}", 1000, -2000);
        ok("cpu value=.5 1000", "cpu_value{}", 1000, 0.5);
        ok("cpu value=12i 1000", "cpu_value{}", 1000, 12);
        ok("cpu value=-9223372036854775808i 1000", "cpu_value{}", 1000, -9.223372036854775808E18);
        ok("cpu value=18446744073709551615u 1000", "cpu_value{}", 1000, 1.8446744073709552E19);
        ok("cpu value=t 1000", "cpu_value{}", 1000, 1);
        ok("cpu value=FALSE 1000", "cpu_value{}", 1000, 0);
        ok("cpu value=True 1000", "cpu_value{}", 1000, 1);
        ok("cpu value=0.1234567890123456789 1000", "cpu_value{}", 1000, 0.1234567890123456789);
        ok("cpu value=1", "cpu_value{}", NOW, 1);
        ok("cpu value=1 -5", "cpu_value{}", -5, 1);
    }

    @Test
    void shouldUnescapeAndSortTagsWhenEscapesPresent() {
        ok("cpu,zone=a\\ b\\,c\\=d,az=x\\\\y value=1 1", "cpu_value{az=\"x\\\\y\", zone=\"a b,c=d\"}", 1, 1);
    }

    @Test
    void shouldConvertDotsAndDashesWhenNamesUseThem() {
        final List<StagedContent.Row> rows = parse("disk.io,dev-name=sda used-pct=3 1", InfluxPrecision.MS, false);
        assertEquals(LabelSet.of("__name__", "disk_io_used_pct", "dev_name", "sda"), rows.get(0).labels());
    }

    @Test
    void shouldEmitOneSeriesPerFieldAndSkipStringsWhenLineHasManyFields() {
        final InfluxLineParser p = new InfluxLineParser(ParseLimits.DEFAULT, false);
        final StagedSamples s = StagedContent.staging(4, 1000);
        final byte[] b = "m,h=1 a=1,s=\"x, y=\\\"z\\\"\",b=2i 7\n".getBytes(StandardCharsets.UTF_8);
        assertEquals(ParseStatus.COMPLETE, p.parse(b, 0, b.length, InfluxPrecision.MS, NOW, s));
        final List<StagedContent.Row> rows = StagedContent.rows(s);
        assertEquals(2, rows.size());
        assertEquals("m_a{h=\"1\"}", rows.get(0).labels().toString());
        assertEquals("m_b{h=\"1\"}", rows.get(1).labels().toString());
        assertEquals(1, s.skippedValues());
    }

    @Test
    void shouldNameSeriesAfterMeasurementWhenSkipSingleFieldAndOneField() {
        assertEquals("node_load1{host=\"h00\"}", parse("node_load1,host=h00 value=1.23 1", InfluxPrecision.MS, true)
            .get(0).labels().toString());
        assertEquals(2, parse("m a=1,b=2 1", InfluxPrecision.MS, true).size());
    }

    @ParameterizedTest
    @CsvSource({"ns,1500000000,1500", "us,1500000,1500", "ms,1500,1500", "s,2,2000", "ns,-1,-1", "us,-1500,-2"})
    void shouldScaleTimestampsWhenPrecisionGiven(final String precision, final long raw, final long wantMs) {
        final List<StagedContent.Row> rows = parse("m v=1 " + raw, InfluxPrecision.parse(precision), false);
        assertEquals(wantMs, rows.get(0).timestampMs());
    }

    @Test
    void shouldSkipBlankAndCommentLinesWhenPresent() {
        final List<StagedContent.Row> rows = parse("\n# comment\r\n  m v=1 1\r\n\nm v=2 2\n", InfluxPrecision.MS,
            false);
        assertEquals(2, rows.size());
    }

    @Test
    void shouldRejectWithLineAndFieldWhenLineIsMalformed() {
        bad("m v=1 1\n,h=a v=1", 2, "measurement", "empty measurement");
        bad("m,h=a", 1, null, "missing fields");
        bad("m,h v=1", 1, "tag h", "missing '='");
        bad("m,h= v=1", 1, "tag h", "empty tag value");
        bad("m,=a v=1", 1, "tag key", "empty tag key");
        bad("m,h%=a v=1", 1, "tag h%", "invalid character '%'");
        bad("m,__h=a v=1", 1, "tag __h", "reserved");
        bad("m,h=a,h=b v=1", 1, "tag h", "duplicate tag key");
        bad("m v", 1, "field v", "missing '='");
        bad("m v=", 1, "field v", "empty field value");
        bad("m v=abc", 1, "field v", "bad value");
        bad("m v=1.5i", 1, "field v", "bad value");
        bad("m v=-1u", 1, "field v", "bad value");
        bad("m v=99999999999999999999i", 1, "field v", "bad value");
        bad("m v=nan", 1, "field v", "bad value");
        bad("m v=1e999", 1, "field v", "bad value");
        bad("m v=\"abc", 1, "field v", "unterminated string");
        bad("m v=1 12x", 1, "timestamp", "bad timestamp");
        bad("m v=1 1 2", 1, null, "unexpected text");
        bad("m v%=1 1", 1, "field v%", "invalid character '%'");
        bad("9m v=1 1", 1, "measurement", "invalid character '9'");
        bad("m,a=1,b=2,c=3,d=4 v=1", 1, "tag d", "too many labels");
        bad("m,aaaaaaaaaaaaaaaaaaaaa=1 v=1", 1, "tag aaaaaaaaaaaaaaaaaaaaa", "label name too long");
        bad("m,a=xxxxxxxxxxxxxxxxxxxxxxx v=1", 1, "tag a", "label value too long");
        bad("m a=1,b=2,c=3,d=4 1", 1, null, "too many samples");
        bad("c\\,pu v=1", 1, "measurement", "invalid character ','");
    }

    @Test
    void shouldRejectInvalidUtf8WhenTagValueHasBadBytes() {
        final InfluxLineParser p = new InfluxLineParser(ParseLimits.DEFAULT, false);
        final StagedSamples s = StagedContent.staging(4, 10);
        final byte[] b = {'m', ',', 'h', '=', (byte) 0xc3, ' ', 'v', '=', '1'};
        assertEquals(ParseStatus.ERROR, p.parse(b, 0, b.length, InfluxPrecision.MS, NOW, s));
        assertEquals("tag h", p.error().field());
    }

    @Test
    void shouldRejectSecondTimestampOverflowWhenPrecisionSeconds() {
        final InfluxLineParser p = new InfluxLineParser(ParseLimits.DEFAULT, false);
        final StagedSamples s = StagedContent.staging(4, 10);
        final byte[] b = "m v=1 9223372036854775807".getBytes(StandardCharsets.UTF_8);
        assertEquals(ParseStatus.ERROR, p.parse(b, 0, b.length, InfluxPrecision.S, NOW, s));
        assertEquals("timestamp", p.error().field());
    }

    @Test
    void shouldReuseStagedKeyWhenSeriesRepeatsInBody() {
        final InfluxLineParser p = new InfluxLineParser(ParseLimits.DEFAULT, true);
        final StagedSamples s = StagedContent.staging(4, 100);
        final byte[] b = "m,h=a v=1 1\nm,h=a v=2 2\nm,h=a v=3,w=4 3\nm,h=a v=5 5\n".getBytes(StandardCharsets.UTF_8);
        assertEquals(ParseStatus.COMPLETE, p.parse(b, 0, b.length, InfluxPrecision.MS, NOW, s));
        final List<StagedContent.Row> rows = StagedContent.rows(s);
        assertEquals(5, rows.size());
        assertEquals(s.keyAt(0), s.keyAt(1));
        assertEquals(s.keyAt(0), s.keyAt(4));
        assertEquals("m{h=\"a\"}", rows.get(1).labels().toString());
        assertEquals("m_v{h=\"a\"}", rows.get(2).labels().toString());
        assertEquals("m_w{h=\"a\"}", rows.get(3).labels().toString());
        assertEquals(Double.doubleToRawLongBits(5), rows.get(4).valueBits());
    }

    @Test
    void shouldReportFieldErrorOfRepeatedSeriesWithItsLine() {
        bad("m,h=a v=1 1\nm,h=a v=x 2", 2, "field v", "bad value");
        bad("m,h=a v=1 1\nm,h=a v=1 2 3", 2, null, "unexpected text");
    }

    @Test
    void shouldGroupSamplesBySeriesStablyWhenSeriesRepeat() {
        final InfluxLineParser p = new InfluxLineParser(ParseLimits.DEFAULT, false);
        final StagedSamples s = StagedContent.staging(4, 100);
        final byte[] b = "a v=1 1\nb v=2 2\na v=3 3\nc v=9 9\nb v=4 4\na v=5 5\n".getBytes(StandardCharsets.UTF_8);
        assertEquals(ParseStatus.COMPLETE, p.parse(b, 0, b.length, InfluxPrecision.MS, NOW, s));
        final int[] scratch = s.groupBySeries(new int[1]);
        assertTrue(scratch.length >= 4);
        final List<StagedContent.Row> rows = StagedContent.rows(s);
        final StringBuilder order = new StringBuilder();
        for (final StagedContent.Row r : rows) {
            order.append(r.labels().metricName().charAt(0)).append(r.timestampMs()).append(' ');
        }
        assertEquals("a1 a3 a5 b2 b4 c9 ", order.toString());
        s.release();
    }
}
