package io.metricstream.alert.rule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ExprChecksTest {
    private static void names(String expr, String... want) {
        assertEquals(Set.of(want), ExprChecks.metricNames(expr), expr);
    }

    @Test
    void shouldExtractSelectorMetricNamesWhenExpressionsUseFunctionsAndGrouping() {
        names("cpu_usage > 90", "cpu_usage");
        names("rate(http_requests_total{job=\"api\"}[5m]) > 0.5", "http_requests_total");
        names("sum by (job, instance) (rate(a[1m])) / sum without (x) (b)", "a", "b");
        names("a / on (job) group_left (team) b", "a", "b");
        names("{__name__=\"up\", job=\"x\"} == 0", "up");
        names("absent(up{job=\"x\"}) offset 5m", "up");
        names("histogram_quantile(0.99, sum(rate(lat_bucket[5m])) by (le)) > 1", "lat_bucket");
        names("job:cpu:avg > bool 1 and on() vector(1)", "job:cpu:avg");
    }

    @Test
    void shouldCheckBalanceWhenExpressionIsMalformed() {
        assertNull(ExprChecks.check("sum(rate(x[5m]))"));
        assertNull(ExprChecks.check("x{a=\")\"}"));
        assertEquals("unclosed '('", ExprChecks.check("sum(x"));
        assertEquals("unbalanced ']' at offset 1", ExprChecks.check("x]"));
        assertEquals("unterminated string literal", ExprChecks.check("x{a=\"b}"));
        assertEquals("empty expression", ExprChecks.check("  "));
    }

    @Test
    void shouldRecogniseSimpleThresholdsWhenExpressionIsSelectorOpNumber() {
        final SimpleThreshold t = ExprChecks.threshold("cpu_usage{host=~\"web.*\",dc!=\"x\"} >= 90.5");
        assertEquals("cpu_usage", t.metric());
        assertEquals(">=", t.op());
        assertEquals(90.5, t.number());
        assertEquals(true, t.selects(Map.of("host", "web1", "dc", "y")));
        assertEquals(false, t.selects(Map.of("host", "db1")));
        assertEquals(true, t.breaches(90.5));
        assertEquals(false, t.breaches(90));
        assertNull(ExprChecks.threshold("rate(x[5m]) > 1"));
        assertNull(ExprChecks.threshold("x > y"));
        assertNull(ExprChecks.threshold("sum > 1"));
        assertEquals(-1, ExprChecks.threshold("x < -1").number());
    }
}
