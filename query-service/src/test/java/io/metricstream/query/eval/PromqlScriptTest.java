package io.metricstream.query.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.query.promql.ParseException;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

/** Runs every {@code promql/*.test} script against the engine over the in-memory storage fake. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PromqlScriptTest {

    @TestFactory
    Stream<DynamicTest> shouldMatchExpectedResultsWhenEvaluatingScripts() throws IOException, URISyntaxException,
        ParseException {
        final Path dir = Path.of(PromqlScriptTest.class.getResource("/promql").toURI());
        final List<DynamicTest> tests = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (final Path f : files.filter(p -> p.toString().endsWith(".test")).sorted().toList()) {
                for (final PromqlScript.Eval e : PromqlScript.parse(f.getFileName().toString(), Files.readString(f))) {
                    tests.add(DynamicTest.dynamicTest(e.toString(), () -> run(e)));
                }
            }
        }
        assertTrue(tests.size() > 50, "expected many script cases, got " + tests.size());
        return tests.stream();
    }

    private static void run(final PromqlScript.Eval e) throws ParseException {
        final Engine engine = new Engine(e.data(), Engine.Options.DEFAULT);
        if (e.fail()) {
            try {
                if (e.range()) {
                    engine.range(e.expr(), e.startMs(), e.endMs(), e.stepMs());
                } else {
                    engine.instant(e.expr(), e.startMs());
                }
            } catch (final QueryException | ParseException ex) {
                if (e.errorContains() != null) {
                    assertTrue(ex.getMessage().contains(e.errorContains()), e + ": error \"" + ex.getMessage()
                        + "\" does not contain \"" + e.errorContains() + "\"");
                }
                return;
            }
            fail(e + ": expected an error");
        }
        final QueryResult r = e.range() ? engine.range(e.expr(), e.startMs(), e.endMs(), e.stepMs())
            : engine.instant(e.expr(), e.startMs());
        switch (r) {
            case QueryResult.Scalar s -> {
                assertEquals(1, e.expected().size(), e + ": scalar result " + s.value());
                assertClose(e, e.expected().getFirst().values()[0], s.value(), "scalar");
            }
            case QueryResult.Vector v -> checkVector(e, v);
            case QueryResult.Matrix m -> checkMatrix(e, m);
            case QueryResult.Str s -> fail(e + ": unexpected string result " + s.value());
        }
    }

    private static void checkVector(final PromqlScript.Eval e, final QueryResult.Vector v) {
        final List<String> got = new ArrayList<>();
        v.samples().forEach(s -> got.add(s.labels() + " " + s.value()));
        assertEquals(e.expected().size(), v.samples().size(), e + ": got " + got);
        for (int i = 0; i < v.samples().size(); i++) {
            final QueryResult.Sample s = v.samples().get(i);
            final PromqlScript.Expected want = e.ordered() ? e.expected().get(i) : find(e, s.labels(), got);
            assertEquals(want.labels(), s.labels(), e + ": got " + got);
            assertClose(e, want.values()[0], s.value(), s.labels().toString());
        }
    }

    private static PromqlScript.Expected find(final PromqlScript.Eval e, final LabelSet labels,
                                              final List<String> got) {
        for (final PromqlScript.Expected x : e.expected()) {
            if (labels.equals(x.labels())) {
                return x;
            }
        }
        fail(e + ": unexpected series " + labels + "; got " + got);
        return null;
    }

    private static void checkMatrix(final PromqlScript.Eval e, final QueryResult.Matrix m) {
        final List<String> got = new ArrayList<>();
        m.series().forEach(s -> got.add(s.labels().toString()));
        assertEquals(e.expected().size(), m.series().size(), e + ": got " + got);
        final int steps = e.range() ? (int) ((e.endMs() - e.startMs()) / e.stepMs()) + 1 : 0;
        for (final QueryResult.Series s : m.series()) {
            final PromqlScript.Expected want = find(e, s.labels(), got);
            if (!e.range()) {
                assertEquals(want.values().length, s.values().length, e + ": " + s.labels() + " points");
                for (int i = 0; i < s.values().length; i++) {
                    assertClose(e, want.values()[i], s.values()[i], s.labels().toString());
                }
                continue;
            }
            assertEquals(steps, want.values().length, e + ": expected line of " + s.labels() + " needs " + steps
                + " values");
            final Map<Long, Double> points = new HashMap<>();
            for (int i = 0; i < s.timestamps().length; i++) {
                points.put(s.timestamps()[i], s.values()[i]);
            }
            for (int i = 0; i < steps; i++) {
                final long t = e.startMs() + i * e.stepMs();
                final Double w = want.values()[i];
                final Double g = points.get(t);
                if (w == null || g == null) {
                    assertEquals(w, g, e + ": " + s.labels() + " at " + t + "ms");
                } else {
                    assertClose(e, w, g, s.labels() + " at " + t + "ms");
                }
            }
        }
    }

    private static void assertClose(final PromqlScript.Eval e, final Double want, final double got,
                                    final String what) {
        if (want == null) {
            fail(e + ": " + what + " expected absent, got " + got);
        }
        if (Double.isNaN(want) || Double.isInfinite(want)) {
            assertEquals(want, got, e + ": " + what);
            return;
        }
        final double tolerance = Math.max(1e-9, Math.abs(want) * 1e-6);
        assertTrue(Math.abs(want - got) <= tolerance, e + ": " + what + " want " + want + " got " + got);
    }
}
