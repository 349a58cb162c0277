package io.metricstream.query.eval.functions;

import io.metricstream.contracts.model.MetricNames;
import io.metricstream.query.eval.Evaluator;
import io.metricstream.query.eval.QueryException;
import io.metricstream.query.eval.StepSeries;
import io.metricstream.query.eval.StepVector;
import io.metricstream.query.promql.Parser;
import io.metricstream.query.promql.ast.Function;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** label_replace and label_join: rewrite labels once per series (values and presence are untouched). */
final class LabelFunctions {
    private LabelFunctions() {
    }

    static StepVector apply(final Evaluator ev, final Function f, final StepVector v, final List<String> args) {
        final String dst = args.get(0);
        if (!MetricNames.isValidLabelName(dst)) {
            throw QueryException.execution("invalid destination label name in " + f.text() + "(): " + dst);
        }
        final List<StepSeries> out = new ArrayList<>(v.series().size());
        if (f == Function.LABEL_REPLACE) {
            final Pattern regex;
            try {
                regex = Pattern.compile("^(?:" + Parser.goRegex(args.get(3)) + ")$", Pattern.DOTALL);
            } catch (final PatternSyntaxException e) {
                throw QueryException.execution("invalid regular expression in label_replace(): " + args.get(3));
            }
            for (final StepSeries s : v.series()) {
                final String src = s.labels().get(args.get(2));
                final Matcher m = regex.matcher(src == null ? "" : src);
                if (!m.matches()) {
                    out.add(s);
                    continue;
                }
                final String value = expand(args.get(1), m);
                out.add(s.withLabels(s.labels().toBuilder().add(dst, value).build()));
            }
        } else {
            final String sep = args.get(1);
            for (final StepSeries s : v.series()) {
                final StringBuilder sb = new StringBuilder();
                for (int i = 2; i < args.size(); i++) {
                    if (i > 2) {
                        sb.append(sep);
                    }
                    final String part = s.labels().get(args.get(i));
                    sb.append(part == null ? "" : part);
                }
                out.add(s.withLabels(s.labels().toBuilder().add(dst, sb.toString()).build()));
            }
        }
        return ev.mergeSameLabels(out);
    }

    /** Go's {@code Regexp.Expand}: {@code $1}, {@code ${1}}, {@code $name}, {@code ${name}}, {@code $$}. */
    static String expand(final String template, final Matcher m) {
        final StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < template.length()) {
            final char c = template.charAt(i);
            if (c != '$' || i + 1 >= template.length()) {
                sb.append(c);
                i++;
                continue;
            }
            if (template.charAt(i + 1) == '$') {
                sb.append('$');
                i += 2;
                continue;
            }
            final String name;
            int end;
            if (template.charAt(i + 1) == '{') {
                end = template.indexOf('}', i + 2);
                if (end < 0) {
                    sb.append(c);
                    i++;
                    continue;
                }
                name = template.substring(i + 2, end);
                end++;
            } else {
                end = i + 1;
                while (end < template.length() && (Character.isLetterOrDigit(template.charAt(end))
                    || template.charAt(end) == '_')) {
                    end++;
                }
                name = template.substring(i + 1, end);
            }
            if (name.isEmpty()) {
                sb.append(c);
                i++;
                continue;
            }
            sb.append(group(m, name));
            i = end;
        }
        return sb.toString();
    }

    private static String group(final Matcher m, final String name) {
        String g = null;
        try {
            if (name.chars().allMatch(Character::isDigit)) {
                final int idx = Integer.parseInt(name);
                g = idx <= m.groupCount() ? m.group(idx) : null;
            } else {
                g = m.group(name);
            }
        } catch (final IllegalArgumentException e) {
            g = null;
        }
        return g == null ? "" : g;
    }
}
