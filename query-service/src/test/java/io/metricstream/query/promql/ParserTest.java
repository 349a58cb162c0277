package io.metricstream.query.promql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.contracts.storage.LabelMatcher;
import io.metricstream.query.promql.ast.AggregateExpr;
import io.metricstream.query.promql.ast.AggregateOp;
import io.metricstream.query.promql.ast.At;
import io.metricstream.query.promql.ast.BinaryExpr;
import io.metricstream.query.promql.ast.BinaryOp;
import io.metricstream.query.promql.ast.Call;
import io.metricstream.query.promql.ast.Expr;
import io.metricstream.query.promql.ast.MatrixSelector;
import io.metricstream.query.promql.ast.NumberLiteral;
import io.metricstream.query.promql.ast.StringLiteral;
import io.metricstream.query.promql.ast.SubqueryExpr;
import io.metricstream.query.promql.ast.UnaryExpr;
import io.metricstream.query.promql.ast.VectorMatching;
import io.metricstream.query.promql.ast.VectorSelector;
import io.metricstream.testsupport.Seeds;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ParserTest {

    private static Expr parse(final String q) throws ParseException {
        return Parser.parse(q);
    }

    private static void number(final String q, final double want) throws ParseException {
        final NumberLiteral n = assertInstanceOf(NumberLiteral.class, parse(q), q);
        assertEquals(want, n.value(), q);
    }

    @Test
    void shouldParseNumberLiteralsWhenDecimalHexExponentInfOrNaN() throws ParseException {
        number("1", 1);
        number("1.5", 1.5);
        number(".5", 0.5);
        number("1e3", 1000);
        number("1E-2", 0.01);
        number("0x1F", 31);
        number("Inf", Double.POSITIVE_INFINITY);
        number("-inf", Double.NEGATIVE_INFINITY);
        number("+Inf", Double.POSITIVE_INFINITY);
        number("NaN", Double.NaN);
        number("-5", -5);
    }

    @Test
    void shouldUnescapeStringLiteralsWhenGoEscapesOrRawStrings() throws ParseException {
        assertEquals("a\"b\n\tc", ((StringLiteral) parse("\"a\\\"b\\n\\tc\"")).value());
        assertEquals("it's", ((StringLiteral) parse("'it\\'s'")).value());
        assertEquals("raw\\n", ((StringLiteral) parse("`raw\\n`")).value());
        assertEquals("\u00e9A", ((StringLiteral) parse("\"\\u00e9\\x41\"")).value());
        assertEquals("A", ((StringLiteral) parse("\"\\101\"")).value());
    }

    @Test
    void shouldParseDurationsWhenCompoundOrLongUnits() {
        assertEquals(5_400_000, Durations.parseMs("1h30m"));
        assertEquals(86_400_000, Durations.parseMs("1d"));
        assertEquals(604_800_000, Durations.parseMs("1w"));
        assertEquals(31_536_000_000L, Durations.parseMs("1y"));
        assertEquals(250, Durations.parseMs("250ms"));
        assertEquals(-1, Durations.parseMs("5x"));
        assertEquals(-1, Durations.parseMs("m5"));
        assertEquals("1h30m", Durations.format(5_400_000));
    }

    @Test
    void shouldBuildSelectorWithAllMatcherTypesWhenBracesGiven() throws ParseException {
        final VectorSelector vs = assertInstanceOf(VectorSelector.class,
            parse("http_requests_total{job=\"api\", code!=\"200\", path=~\"/a.*\", method!~\"GET|PUT\",}"));
        assertEquals("http_requests_total", vs.name());
        final List<LabelMatcher> m = vs.matchers();
        assertEquals(5, m.size());
        assertEquals(LabelMatcher.Type.EQ, m.get(0).type());
        assertEquals("__name__", m.get(0).name());
        assertEquals(LabelMatcher.Type.NEQ, m.get(2).type());
        assertEquals(LabelMatcher.Type.RE, m.get(3).type());
        assertEquals(LabelMatcher.Type.NRE, m.get(4).type());
        assertTrue(m.get(3).matches("/abc"));
        assertTrue(!m.get(3).matches("x/abc"));
    }

    @Test
    void shouldAttachOffsetAndAtWhenModifiersInAnyOrder() throws ParseException {
        final VectorSelector a = (VectorSelector) parse("foo offset 5m @ 100");
        final VectorSelector b = (VectorSelector) parse("foo @ 100 offset 5m");
        assertEquals(300_000, a.offsetMs());
        assertEquals(new At(At.Kind.TIME, 100_000), a.at());
        assertEquals(a.offsetMs(), b.offsetMs());
        assertEquals(a.at(), b.at());
        assertEquals(-60_000, ((VectorSelector) parse("foo offset -1m")).offsetMs());
        assertEquals(At.Kind.START, ((VectorSelector) parse("foo @ start()")).at().kind());
        assertEquals(At.Kind.END, ((MatrixSelector) parse("foo[5m] @ end()")).selector().at().kind());
        assertEquals(1_500, ((VectorSelector) parse("foo @ 1.5")).at().timeMs());
    }

    @Test
    void shouldParseRangesAndSubqueriesWhenBracketsFollow() throws ParseException {
        final MatrixSelector m = (MatrixSelector) parse("foo[1h30m] offset 1m");
        assertEquals(5_400_000, m.rangeMs());
        assertEquals(60_000, m.selector().offsetMs());
        final SubqueryExpr s = (SubqueryExpr) parse("rate(foo[5m])[30m:1m] offset 2m");
        assertEquals(1_800_000, s.rangeMs());
        assertEquals(60_000, s.stepMs());
        assertEquals(120_000, s.offsetMs());
        assertEquals(0, ((SubqueryExpr) parse("foo[5m:]")).stepMs());
    }

    @Test
    void shouldRespectPrecedenceAndAssociativityWhenMixingOperators() throws ParseException {
        final BinaryExpr pow = (BinaryExpr) parse("2 ^ 3 ^ 2");
        assertEquals(BinaryOp.POW, pow.op());
        assertInstanceOf(NumberLiteral.class, pow.lhs());
        assertInstanceOf(BinaryExpr.class, pow.rhs());
        final BinaryExpr sub = (BinaryExpr) parse("a - b - c");
        assertInstanceOf(BinaryExpr.class, sub.lhs());
        final BinaryExpr or = (BinaryExpr) parse("a or b and c unless d");
        assertEquals(BinaryOp.OR, or.op());
        assertEquals(BinaryOp.UNLESS, ((BinaryExpr) or.rhs()).op());
        final BinaryExpr cmp = (BinaryExpr) parse("a + b > bool c * d");
        assertEquals(BinaryOp.GTR, cmp.op());
        assertTrue(cmp.returnBool());
        final UnaryExpr neg = (UnaryExpr) parse("-a ^ 2");
        assertEquals(BinaryOp.POW, ((BinaryExpr) neg.expr()).op());
        final BinaryExpr mul = (BinaryExpr) parse("-a * 2");
        assertInstanceOf(UnaryExpr.class, mul.lhs());
    }

    @Test
    void shouldParseVectorMatchingWhenOnIgnoringAndGroupModifiers() throws ParseException {
        final BinaryExpr b = (BinaryExpr) parse("a / on(job, instance) group_left(team) b");
        final VectorMatching m = b.matching();
        assertEquals(VectorMatching.Card.MANY_TO_ONE, m.card());
        assertTrue(m.on());
        assertEquals(List.of("job", "instance"), m.labels());
        assertEquals(List.of("team"), m.include());
        final BinaryExpr r = (BinaryExpr) parse("a * ignoring(code) group_right b");
        assertEquals(VectorMatching.Card.ONE_TO_MANY, r.matching().card());
        assertEquals(VectorMatching.Card.MANY_TO_MANY, ((BinaryExpr) parse("a and b")).matching().card());
    }

    @Test
    void shouldParseAggregationsWhenGroupingBeforeOrAfter() throws ParseException {
        final AggregateExpr a = (AggregateExpr) parse("sum by (job) (rate(x[5m]))");
        final AggregateExpr b = (AggregateExpr) parse("sum(rate(x[5m])) by (job)");
        assertEquals(a.grouping(), b.grouping());
        final AggregateExpr t = (AggregateExpr) parse("topk without (instance) (5, x)");
        assertEquals(AggregateOp.TOPK, t.op());
        assertTrue(t.without());
        assertInstanceOf(NumberLiteral.class, t.param());
        assertInstanceOf(StringLiteral.class, ((AggregateExpr) parse("count_values(\"v\", x)")).param());
        assertEquals(List.of("on", "by"), ((AggregateExpr) parse("sum by (on, by,) (x)")).grouping());
    }

    @Test
    void shouldAcceptKeywordsAsLabelNamesWhenInsideBraces() throws ParseException {
        final VectorSelector vs = (VectorSelector) parse("foo{on=\"1\", by=\"2\", offset=\"3\"}");
        assertEquals(4, vs.matchers().size());
        assertInstanceOf(Call.class, parse("histogram_quantile(0.9, sum by (le) (rate(x_bucket[5m])))"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "foo{                     | 1:5: parse error: unexpected end of input in label matching, expected label",
        "sum(x                    | 1:6: parse error: unexpected end of input in aggregation, expected \")\"",
        "1 +                      | 1:4: parse error: unexpected end of input",
        "foo[5m                   | 1:7: parse error: unexpected end of input in subquery selector, expected \":\"",
        "rate(x)                  | 1:6: parse error: expected type range vector in call to function \"rate\", got",
        "foo{a=\"b\"}[5]            | 1:12: parse error: unexpected number \"5\" in range, expected duration",
        "sum(x) by                | 1:10: parse error: unexpected end of input in grouping opts, expected \"(\"",
        "foo bar                  | 1:5: parse error: unexpected identifier \"bar\"",
        "nonexistent(x)           | 1:1: parse error: unknown function with name \"nonexistent\"",
        "{}                       | 1:1: parse error: vector selector must contain at least one non-empty matcher",
        "foo{a=~\"(\"}              | 1:8: parse error: invalid regular expression \"(\": Unclosed group",
        "1 == 1                   | 1:3: parse error: comparisons between scalars must use BOOL modifier",
        "\"unterminated           | 1:1: parse error: unterminated quoted string",
        "foo offset 5m offset 1m  | 1:15: parse error: offset may not be set multiple times",
        "1x                       | 1:1: parse error: bad number or duration syntax: \"1x\"",
        "5m                       | 1:1: parse error: unexpected duration \"5m\"",
        "a and on(x) group_left b | 1:13: parse error: no grouping allowed for \"and\" operation",
        "(1 + 2)[5m:1m]           | 1:1: parse error: subquery is only allowed on instant vector, got scalar instead",
        "x ! y                    | 1:3: parse error: unexpected character after '!': ' '",
        "\"str\" + 1                | 1:1: parse error: binary expression must contain only scalar and instant",
        "                         | 1:1: parse error: no expression found in input",
    })
    void shouldReportPositionAndReasonWhenQueryIsInvalid(final String query, final String message) {
        final String q = query == null ? "" : query;
        final ParseException e = assertThrows(ParseException.class, () -> Parser.parse(q));
        assertTrue(e.getMessage().startsWith(message), "got: " + e.getMessage() + "\nwant: " + message);
    }

    @Test
    void shouldOnlyThrowParseExceptionWhenInputIsRandomTokens() {
        final long seed = Seeds.seed();
        final java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        final String[] parts = {"sum", "rate", "(", ")", "[", "]", "{", "}", "5m", ":", "1m", "x", "job", "=", "=~",
            "\"a\"", "'b'", ",", "+", "-", "*", "/", "^", "%", "==", "!=", "> bool", "and", "or", "unless", "by",
            "without", "on", "ignoring", "group_left", "offset", "@", "start()", "1.5", "0x1f", "Inf", "NaN", " ",
            "topk", "3", "histogram_quantile", "label_replace", "`raw`", "\\", "!", "#c\n", "1e", "le", "."};
        int valid = 0;
        for (int i = 0; i < 20_000; i++) {
            final StringBuilder q = new StringBuilder();
            for (int n = random.nextInt(1, 12); n > 0; n--) {
                q.append(parts[random.nextInt(parts.length)]);
                if (random.nextBoolean()) {
                    q.append(' ');
                }
            }
            try {
                Parser.parse(q.toString());
                valid++;
            } catch (final ParseException e) {
                assertTrue(e.position() >= 0 && e.position() <= q.length(), "seed=" + seed + " query=" + q);
            } catch (final RuntimeException e) {
                throw new AssertionError("seed=" + seed + " query=" + q + " threw " + e, e);
            }
        }
        assertTrue(valid > 0, "seed=" + seed + ": no random query parsed");
    }

    @Test
    void shouldReportLineAndColumnWhenErrorOnSecondLine() {
        final ParseException e = assertThrows(ParseException.class, () -> Parser.parse("sum(\n  x +\n)"));
        assertEquals(3, e.line());
        assertEquals(1, e.column());
        assertEquals("3:1: parse error: unexpected \")\"", e.getMessage());
    }
}
