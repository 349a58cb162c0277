package io.metricstream.query.eval;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.metricstream.query.ExternalTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks our hand-written script expectations against Prometheus itself: every instant {@code eval} of
 * {@code promql/*.test} becomes a {@code promtool test rules} case (same series notation) evaluated by Debian's
 * Prometheus 2.42 engine. promtool compares floats exactly, so its failures are re-compared here with our script
 * tolerance (NaN equals NaN). Left out: range evals, expected errors, range-vector results, and queries reading
 * data after the evaluation time ({@code @}, negative offsets), which promtool's lazily loaded storage lacks.
 */
@Tag("integration")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PromqlScriptCrossCheckTest {
    private static final String PROMTOOL = "/usr/bin/promtool";
    private static final Pattern VALUE = Pattern.compile("\\} (\\S+?)(?=,|$)");

    @TempDir
    Path dir;

    @Test
    void shouldAgreeWithPrometheusWhenScriptsEvaluatedByPromtool() throws Exception {
        assumeTrue(ExternalTools.present(PROMTOOL), "skipped: " + PROMTOOL + " not installed "
            + "(apt-get install -y prometheus)");
        final Path scripts = Path.of(PromqlScriptCrossCheckTest.class.getResource("/promql").toURI());
        final List<Object> tests = new ArrayList<>();
        try (Stream<Path> files = Files.list(scripts)) {
            for (final Path f : files.filter(p -> p.toString().endsWith(".test")).sorted().toList()) {
                for (final PromqlScript.Eval e : PromqlScript.parse(f.getFileName().toString(), Files.readString(f))) {
                    final Map<String, Object> t = toPromtool(e);
                    if (t != null) {
                        tests.add(t);
                    }
                }
            }
        }
        assertTrue(tests.size() > 150, "too few cases: " + tests.size());
        final Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("rule_files", List.of());
        doc.put("evaluation_interval", "1m");
        doc.put("tests", tests);
        final Path yml = dir.resolve("tests.yml");
        // YAML spells non-finite floats .nan / .inf; Jackson writes them as strings
        Files.writeString(yml, new ObjectMapper(new YAMLFactory()).writeValueAsString(doc)
            .replaceAll("value: \"?NaN\"?", "value: .nan").replaceAll("value: \"?-Infinity\"?", "value: -.inf")
            .replaceAll("value: \"?Infinity\"?", "value: .inf"));
        final ExternalTools.Outcome o = ExternalTools.run(List.of(PROMTOOL, "test", "rules", yml.toString()), 100);
        if (o.exitCode() == 0) {
            return;
        }
        final List<String> real = realFailures(o.output());
        assertTrue(real.isEmpty(), "Prometheus disagrees with " + real.size() + " expectations:\n"
            + String.join("\n", real));
    }

    private static Map<String, Object> toPromtool(final PromqlScript.Eval e) {
        if (e.fail() || e.range() || e.loads().isEmpty() || e.expr().contains("@")
            || e.expr().contains("offset -")) {
            return null;
        }
        final List<Object> samples = new ArrayList<>();
        for (final PromqlScript.Expected x : e.expected()) {
            if (x.values().length != 1) {
                return null;
            }
            final Map<String, Object> s = new LinkedHashMap<>();
            s.put("labels", x.labels() == null ? "{}" : x.labels().toString());
            s.put("value", x.values()[0]);
            samples.add(s);
        }
        final List<Object> series = new ArrayList<>();
        for (final PromqlScript.LoadLine l : e.loads()) {
            if (!l.interval().equals(e.loads().getFirst().interval())) {
                return null;
            }
            series.add(Map.of("series", l.series(), "values", l.values()));
        }
        final Map<String, Object> expr = new LinkedHashMap<>();
        expr.put("expr", e.expr());
        expr.put("eval_time", e.startMs() + "ms");
        expr.put("exp_samples", samples);
        final Map<String, Object> t = new LinkedHashMap<>();
        t.put("name", e.toString());
        t.put("interval", e.loads().getFirst().interval());
        t.put("input_series", series);
        t.put("promql_expr_test", List.of(expr));
        return t;
    }

    /** Failures whose expected and actual values differ beyond tolerance (or that are not value mismatches). */
    private static List<String> realFailures(final String output) {
        final List<String> real = new ArrayList<>();
        final String[] lines = output.split("\n");
        for (int i = 0; i < lines.length; i++) {
            final String line = lines[i].strip();
            if (!line.startsWith("expr:")) {
                continue;
            }
            if (i + 2 >= lines.length || !lines[i + 1].strip().startsWith("exp:")
                || !lines[i + 2].strip().startsWith("got:")) {
                real.add(line);
                continue;
            }
            final String exp = lines[i + 1].strip().substring(4).strip();
            final String got = lines[i + 2].strip().substring(4).strip();
            if (!sameValues(exp, got)) {
                real.add(line + "\n    exp: " + exp + "\n    got: " + got);
            }
        }
        if (real.isEmpty() && !output.contains("expr:")) {
            real.add(output);
        }
        return real;
    }

    private static boolean sameValues(final String exp, final String got) {
        if (exp.replaceAll("\\} \\S+?(,|$)", "}$1").equals(got.replaceAll("\\} \\S+?(,|$)", "}$1"))) {
            final List<Double> a = values(exp);
            final List<Double> b = values(got);
            if (a.size() != b.size()) {
                return false;
            }
            for (int k = 0; k < a.size(); k++) {
                final double x = a.get(k);
                final double y = b.get(k);
                final boolean same = Double.isNaN(x) ? Double.isNaN(y)
                    : x == y || Math.abs(x - y) <= Math.max(1e-9, Math.abs(x) * 1e-6);
                if (!same) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    private static List<Double> values(final String text) {
        final List<Double> out = new ArrayList<>();
        final Matcher m = VALUE.matcher(text);
        while (m.find()) {
            out.add(PromqlScript.number(m.group(1).replace("E+", "E")));
        }
        return out;
    }
}
