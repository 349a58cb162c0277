package io.metricstream.alert.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class TemplateTest {
    private static final TemplateContext CTX = new TemplateContext(Map.of("host", "web1", "job", "node"), 1234567.0,
        Map.of("cluster", "eu1"));

    private static void f(String template, double value, String want) {
        final Template t = Template.parse(template);
        assertNull(t.error(), () -> "parse error: " + t.error());
        assertEquals(want, t.render(new TemplateContext(CTX.labels(), value, CTX.externalLabels())), template);
    }

    @Test
    void shouldRenderPrometheusSubsetWhenTemplatesUseLabelsValuesAndFunctions() {
        f("plain text", 1, "plain text");
        f("{{ $labels.host }} is down", 1, "web1 is down");
        f("{{ .Labels.host }}/{{ $labels.job }}", 1, "web1/node");
        f("{{ $labels.missing }}", 1, "<no value>");
        f("{{ $value }}", 75.5, "75.5");
        f("{{ $value }}", 100, "100");
        f("{{ $value }}", 1e6, "1e+06");
        f("{{ $value }}", 0.0001, "0.0001");
        f("{{ $value }}", 0.00001, "1e-05");
        f("{{ .Value }}", 3, "3");
        f("{{ humanize $value }}", 1234567, "1.235M");
        f("{{ $value | humanize }}", 1234567, "1.235M");
        f("{{ humanize $value }}", 0.0125, "12.5m");
        f("{{ humanize $value }}", 0, "0");
        f("{{ humanize1024 $value }}", 1536, "1.5ki");
        f("{{ humanizePercentage $value }}", 0.1234, "12.34%");
        f("{{ humanizeDuration $value }}", 3725, "1h 2m 5s");
        f("{{ humanizeDuration $value }}", 90061, "1d 1h 1m 1s");
        f("{{ humanizeDuration $value }}", 4.5, "4.5s");
        f("{{ humanizeDuration $value }}", 0.012, "12ms");
        f("{{ printf \"%.2f\" $value }}", 3.14159, "3.14");
        f("{{ printf \"%.1f\" $value }}", 95.25, "95.2");
        f("{{ printf \"%d items\" 3 }}", 0, "3 items");
        f("{{ printf \"%s=%v\" \"a\" $value }}", 2, "a=2");
        f("{{ printf \"%5.1f|\" $value }}", 2, "  2.0|");
        f("{{ printf \"%.3e\" $value }}", 123456, "1.235e+05");
        f("{{ printf \"%q\" $labels.host }}", 0, "\"web1\"");
        f("{{ $externalLabels.cluster }}", 0, "eu1");
        f("{{ $externalLabels }}", 0, "map[cluster:eu1]");
        f("{{ $labels }}", 0, "map[host:web1 job:node]");
        f("{{ toUpper $labels.host }}", 0, "WEB1");
        f("{{ $labels.job | toUpper }}", 0, "NODE");
        f("{{ index $labels \"host\" }}", 0, "web1");
        f("a  {{- $labels.host -}}  b", 0, "aweb1b");
        f("x{{/* a comment */}}y", 0, "xy");
        f("{{ `raw` }}", 0, "raw");
    }

    @Test
    void shouldReportErrorWhenTemplateUsesUnsupportedSyntax() {
        assertTrue(Template.parse("{{ if $value }}x{{ end }}").error().contains("unsupported: \"if\""));
        assertTrue(Template.parse("{{ $labels.host").error().contains("unclosed action"));
        assertTrue(Template.parse("{{ nosuch $value }}").error().contains("function \"nosuch\" not defined"));
        assertTrue(Template.parse("{{ $x := 1 }}").error().contains("undefined variable"));
        assertTrue(Template.parse("{{ \"open }}").error().contains("unterminated"));
        assertNotNull(Template.parse("{{ }}").error());
    }

    @Test
    void shouldRenderErrorInPlaceWhenExecutionFails() {
        final Template t = Template.parse("{{ humanize $labels.host }}");
        assertNull(t.error());
        assertTrue(t.render(CTX).startsWith("<error expanding template: humanize: cannot convert"), t.render(CTX));
    }

    @Test
    void shouldFormatLikeGoWhenValuesAreSpecial() {
        assertEquals("NaN", GoFormat.value(Double.NaN));
        assertEquals("+Inf", GoFormat.value(Double.POSITIVE_INFINITY));
        assertEquals("-Inf", GoFormat.humanize(Double.NEGATIVE_INFINITY));
        assertEquals("1e+02", GoFormat.e(100));
        assertEquals("1.5e-03", GoFormat.e(0.0015));
        assertEquals("1.23456789e+08", GoFormat.value(123456789.0));
        assertEquals("100000", GoFormat.value(100000.0));
    }
}
