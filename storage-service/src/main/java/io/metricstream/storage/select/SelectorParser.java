package io.metricstream.storage.select;

import io.metricstream.contracts.model.MetricNames;
import io.metricstream.contracts.storage.LabelMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.PatternSyntaxException;

/**
 * Parses the debug API's series selector: {@code name}, {@code name{a="x",b=~"y.*"}} or {@code {a!="x"}}, with
 * {@code =}, {@code !=}, {@code =~}, {@code !~} and double-quoted values ({@code \"}, {@code \\}, {@code \n}
 * escapes). Returns a value, never throws on bad input. Stateless.
 */
public final class SelectorParser {
    private SelectorParser() {
    }

    /**
     * A parse outcome.
     *
     * @param matchers the matchers (empty on error)
     * @param error why the selector is bad, or null
     */
    public record Result(List<LabelMatcher> matchers, String error) {
        /** Whether the selector parsed. */
        public boolean ok() {
            return error == null;
        }
    }

    /** Parses {@code s}. */
    public static Result parse(final String s) {
        final List<LabelMatcher> out = new ArrayList<>();
        int i = 0;
        final int n = s.length();
        while (i < n && s.charAt(i) != '{' && !Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        final String name = s.substring(0, i);
        if (!name.isEmpty()) {
            if (!MetricNames.isValidMetricName(name)) {
                return new Result(List.of(), "bad metric name \"" + name + "\"");
            }
            out.add(LabelMatcher.eq(MetricNames.METRIC_NAME_LABEL, name));
        }
        i = skipSpace(s, i);
        if (i == n) {
            return out.isEmpty() ? new Result(List.of(), "empty selector") : new Result(out, null);
        }
        if (s.charAt(i) != '{') {
            return new Result(List.of(), "unexpected character at " + i);
        }
        i++;
        while (true) {
            i = skipSpace(s, i);
            if (i < n && s.charAt(i) == '}') {
                i++;
                break;
            }
            final int nameStart = i;
            while (i < n && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
                i++;
            }
            final String label = s.substring(nameStart, i);
            if (!MetricNames.isValidLabelName(label)) {
                return new Result(List.of(), "bad label name at " + nameStart);
            }
            i = skipSpace(s, i);
            final LabelMatcher.Type type;
            if (s.startsWith("=~", i)) {
                type = LabelMatcher.Type.RE;
            } else if (s.startsWith("!~", i)) {
                type = LabelMatcher.Type.NRE;
            } else if (s.startsWith("!=", i)) {
                type = LabelMatcher.Type.NEQ;
            } else if (s.startsWith("=", i)) {
                type = LabelMatcher.Type.EQ;
            } else {
                return new Result(List.of(), "expected =, !=, =~ or !~ at " + i);
            }
            i = skipSpace(s, i + (type == LabelMatcher.Type.EQ ? 1 : 2));
            if (i >= n || s.charAt(i) != '"') {
                return new Result(List.of(), "expected a double-quoted value at " + i);
            }
            final StringBuilder value = new StringBuilder();
            i++;
            while (i < n && s.charAt(i) != '"') {
                char c = s.charAt(i);
                if (c == '\\' && i + 1 < n) {
                    c = s.charAt(++i);
                    c = c == 'n' ? '\n' : c;
                }
                value.append(c);
                i++;
            }
            if (i >= n) {
                return new Result(List.of(), "unterminated value for label " + label);
            }
            i++;
            try {
                out.add(LabelMatcher.of(type, label, value.toString()));
            } catch (final PatternSyntaxException e) {
                return new Result(List.of(), "bad regex for " + label + ": " + e.getDescription());
            }
            i = skipSpace(s, i);
            if (i < n && s.charAt(i) == ',') {
                i++;
            } else if (i >= n || s.charAt(i) != '}') {
                return new Result(List.of(), "expected , or } at " + i);
            }
        }
        if (skipSpace(s, i) != n) {
            return new Result(List.of(), "trailing characters at " + i);
        }
        return out.isEmpty() ? new Result(List.of(), "empty selector") : new Result(out, null);
    }

    private static int skipSpace(final String s, final int from) {
        int i = from;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }
}
