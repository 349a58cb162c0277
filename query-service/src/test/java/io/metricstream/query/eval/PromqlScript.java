package io.metricstream.query.eval;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.model.StaleMarker;
import io.metricstream.contracts.storage.LabelMatcher;
import io.metricstream.query.promql.Durations;
import io.metricstream.query.promql.ParseException;
import io.metricstream.query.promql.Parser;
import io.metricstream.query.remote.InMemorySeriesSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Our PromQL test script format (query-service/src/test/resources/promql/README.md documents it). A script is a
 * list of commands: {@code load <interval>} followed by indented series lines, {@code clear}, and
 * {@code eval[_ordered|_fail] instant at <time> <expr>} / {@code eval[_fail] range from <t> to <t> step <d> <expr>}
 * followed by indented expected lines.
 */
final class PromqlScript {
    /** One expectation: a query and its expected result. */
    record Eval(String file, int line, String expr, boolean range, long startMs, long endMs, long stepMs,
                boolean ordered, boolean fail, String errorContains, List<Expected> expected,
                InMemorySeriesSource data, List<LoadLine> loads) {
        @Override
        public String toString() {
            return file + ":" + line + " " + expr;
        }
    }

    /**
     * One loaded series line as written, for tools that take the same notation (promtool test rules).
     *
     * @param interval the load interval text
     * @param series the series selector text
     * @param values the values text
     */
    record LoadLine(String interval, String series, String values) {
    }

    /** One expected series (labels null = scalar) with values per step (null = absent). */
    record Expected(LabelSet labels, Double[] values) {
    }

    private PromqlScript() {
    }

    static List<Eval> parse(final String file, final String text) throws ParseException {
        final List<Eval> out = new ArrayList<>();
        final String[] lines = text.split("\n", -1);
        InMemorySeriesSource data = new InMemorySeriesSource();
        List<LoadLine> loads = new ArrayList<>();
        int i = 0;
        while (i < lines.length) {
            final String raw = stripComment(lines[i]);
            final String line = raw.strip();
            i++;
            if (line.isEmpty()) {
                continue;
            }
            if (line.equals("clear")) {
                data = new InMemorySeriesSource();
                loads = new ArrayList<>();
            } else if (line.startsWith("load ")) {
                final long interval = duration(line.substring(5).strip(), file, i);
                while (i < lines.length && isIndented(lines[i])) {
                    final String series = stripComment(lines[i]).strip();
                    loadSeries(data, series, interval, file, i + 1);
                    final int split = seriesEnd(series);
                    loads.add(new LoadLine(line.substring(5).strip(), series.substring(0, split),
                        series.substring(split).strip()));
                    i++;
                }
            } else if (line.startsWith("eval")) {
                final int evalLine = i;
                final List<String> body = new ArrayList<>();
                while (i < lines.length && isIndented(lines[i])) {
                    body.add(stripComment(lines[i]).strip());
                    i++;
                }
                out.add(eval(file, evalLine, line, body, data, List.copyOf(loads)));
            } else {
                throw new IllegalArgumentException(file + ":" + i + ": unknown command: " + line);
            }
        }
        return out;
    }

    private static boolean isIndented(final String line) {
        return !line.isEmpty() && Character.isWhitespace(line.charAt(0)) && !line.isBlank();
    }

    private static String stripComment(final String line) {
        return line.strip().startsWith("#") ? "" : line;
    }

    private static long duration(final String s, final String file, final int line) {
        final boolean negative = s.startsWith("-");
        final long ms = Durations.parseMs(negative ? s.substring(1) : s);
        if (ms < 0) {
            throw new IllegalArgumentException(file + ":" + line + ": bad duration " + s);
        }
        return negative ? -ms : ms;
    }

    private static void loadSeries(final InMemorySeriesSource data, final String line, final long interval,
                                   final String file, final int lineNo) throws ParseException {
        final int split = seriesEnd(line);
        final LabelSet labels = labels(line.substring(0, split));
        long t = 0;
        for (final String token : line.substring(split).strip().split("\\s+")) {
            if (token.isEmpty()) {
                continue;
            }
            final int x = token.lastIndexOf('x');
            if (token.startsWith("_")) {
                t += interval * (x > 0 ? Long.parseLong(token.substring(x + 1)) : 1);
            } else if (token.equals("stale")) {
                data.add(labels, t, StaleMarker.VALUE);
                t += interval;
            } else if (x > 0 && !token.equalsIgnoreCase("-inf") && !token.equalsIgnoreCase("inf")) {
                final String head = token.substring(0, x);
                final int n = Integer.parseInt(token.substring(x + 1));
                final int op = Math.max(head.lastIndexOf('+'), head.lastIndexOf('-'));
                final double start = number(op > 0 ? head.substring(0, op) : head);
                final double inc = op > 0 ? number(head.substring(op)) : 0;
                for (int k = 0; k <= n; k++) {
                    data.add(labels, t, start + k * inc);
                    t += interval;
                }
            } else {
                data.add(labels, t, number(token));
                t += interval;
            }
        }
        if (t == 0) {
            throw new IllegalArgumentException(file + ":" + lineNo + ": series without samples");
        }
    }

    private static int seriesEnd(final String line) {
        final int brace = line.indexOf('}');
        if (brace >= 0) {
            return brace + 1;
        }
        final int space = line.indexOf(' ');
        return space < 0 ? line.length() : space;
    }

    static LabelSet labels(final String selector) throws ParseException {
        final LabelSet.Builder b = LabelSet.builder();
        for (final LabelMatcher m : Parser.parseSelector(selector).matchers()) {
            b.add(m.name(), m.value());
        }
        return b.build();
    }

    static double number(final String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "nan" -> Double.NaN;
            case "inf", "+inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(s);
        };
    }

    private static Eval eval(final String file, final int lineNo, final String line, final List<String> body,
                             final InMemorySeriesSource data, final List<LoadLine> loads) throws ParseException {
        final String[] head = line.split("\\s+", 2);
        final boolean fail = head[0].equals("eval_fail");
        final boolean ordered = head[0].equals("eval_ordered");
        String rest = head[1];
        final boolean range;
        long start;
        long end;
        long step = 0;
        if (rest.startsWith("instant at ")) {
            range = false;
            rest = rest.substring("instant at ".length());
            final int sp = rest.indexOf(' ');
            start = duration(rest.substring(0, sp), file, lineNo);
            end = start;
            rest = rest.substring(sp + 1);
        } else if (rest.startsWith("range from ")) {
            range = true;
            final String[] p = rest.split("\\s+", 7);
            start = duration(p[2], file, lineNo);
            end = duration(p[4], file, lineNo);
            step = duration(p[6].substring(0, p[6].indexOf(' ')), file, lineNo);
            rest = p[6].substring(p[6].indexOf(' ') + 1);
        } else {
            throw new IllegalArgumentException(file + ":" + lineNo + ": want 'instant at' or 'range from'");
        }
        String error = null;
        final List<Expected> expected = new ArrayList<>();
        for (final String b : body) {
            if (b.startsWith("error:")) {
                error = b.substring(6).strip();
                continue;
            }
            expected.add(expectedLine(b));
        }
        return new Eval(file, lineNo, rest.strip(), range, start, end, step, ordered, fail, error, expected, data,
            loads);
    }

    private static Expected expectedLine(final String b) throws ParseException {
        final boolean hasLabels = b.contains("{") || !Character.isDigit(b.charAt(0)) && b.charAt(0) != '-'
            && b.charAt(0) != '+' && !b.toLowerCase(Locale.ROOT).startsWith("nan")
            && !b.toLowerCase(Locale.ROOT).startsWith("inf") && b.charAt(0) != '_';
        LabelSet labels = null;
        String values = b;
        if (hasLabels) {
            final int split = seriesEnd(b);
            labels = labels(b.substring(0, split).equals("{}") ? "{__name__=~\".+\"}" : b.substring(0, split));
            if (b.substring(0, split).equals("{}")) {
                labels = LabelSet.EMPTY;
            }
            values = b.substring(split).strip();
        }
        final List<Double> vs = new ArrayList<>();
        for (final String token : values.split("\\s+")) {
            vs.add(token.equals("_") ? null : number(token));
        }
        return new Expected(labels, vs.toArray(new Double[0]));
    }
}
