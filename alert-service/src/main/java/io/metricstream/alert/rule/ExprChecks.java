package io.metricstream.alert.rule;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Light local checks of PromQL text (the query service does the real parsing; its errors surface at the first
 * evaluation): non-empty, balanced {@code () [] {}} outside strings, closed strings. Also extracts the metric
 * names a selector references, and recognises simple thresholds.
 */
public final class ExprChecks {
    private static final Set<String> KEYWORDS = Set.of("sum", "min", "max", "avg", "group", "stddev", "stdvar",
        "count", "count_values", "bottomk", "topk", "quantile", "limitk", "limit_ratio", "by", "without", "on",
        "ignoring", "group_left", "group_right", "bool", "and", "or", "unless", "offset", "atan2", "inf", "nan",
        "start", "end");
    private static final Set<String> GROUPING = Set.of("by", "without", "on", "ignoring", "group_left",
        "group_right");
    private static final Pattern THRESHOLD = Pattern.compile(
        "^\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*(\\{[^{}]*})?\\s*(>=|<=|==|!=|>|<)\\s*"
            + "([-+]?(?:[0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?|Inf|inf))\\s*$");
    private static final Pattern MATCHER = Pattern.compile(
        "\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*(,|$)");

    private ExprChecks() {
    }

    /** Null when {@code expr} passes the light checks, else the reason. */
    public static String check(String expr) {
        if (expr == null || expr.isBlank()) {
            return "empty expression";
        }
        final StringBuilder stack = new StringBuilder();
        char quote = 0;
        for (int i = 0; i < expr.length(); i++) {
            final char c = expr.charAt(i);
            if (quote != 0) {
                if (c == '\\' && quote != '`') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
                continue;
            }
            switch (c) {
                case '"', '\'', '`' -> quote = c;
                case '#' -> {
                    final int nl = expr.indexOf('\n', i);
                    i = nl < 0 ? expr.length() : nl;
                }
                case '(', '[', '{' -> stack.append(c);
                case ')', ']', '}' -> {
                    final char open = c == ')' ? '(' : c == ']' ? '[' : '{';
                    if (stack.isEmpty() || stack.charAt(stack.length() - 1) != open) {
                        return "unbalanced '" + c + "' at offset " + i;
                    }
                    stack.setLength(stack.length() - 1);
                }
                default -> {
                }
            }
        }
        if (quote != 0) {
            return "unterminated string literal";
        }
        if (!stack.isEmpty()) {
            return "unclosed '" + stack.charAt(stack.length() - 1) + "'";
        }
        return null;
    }

    /**
     * Metric names referenced by selectors: identifiers not followed by {@code (} (functions), not keywords, not
     * inside braces, strings or {@code by (...)} lists, plus {@code __name__="x"} matchers.
     */
    public static Set<String> metricNames(String expr) {
        final Set<String> out = new LinkedHashSet<>();
        int depthBrace = 0;
        int i = 0;
        String previous = "";
        while (i < expr.length()) {
            final char c = expr.charAt(i);
            if (c == '"' || c == '\'' || c == '`') {
                final int end = skipString(expr, i);
                if (depthBrace > 0 && previous.equals("__name__")) {
                    out.add(expr.substring(i + 1, Math.max(i + 1, end - 1)));
                }
                i = end;
                continue;
            }
            if (c == '{') {
                depthBrace++;
            } else if (c == '}') {
                depthBrace--;
            }
            if (Character.isLetter(c) || c == '_' || c == ':') {
                int j = i;
                while (j < expr.length() && (Character.isLetterOrDigit(expr.charAt(j)) || expr.charAt(j) == '_'
                    || expr.charAt(j) == ':')) {
                    j++;
                }
                final String word = expr.substring(i, j);
                int k = j;
                while (k < expr.length() && Character.isWhitespace(expr.charAt(k))) {
                    k++;
                }
                final boolean call = k < expr.length() && expr.charAt(k) == '(';
                if (call && GROUPING.contains(word)) {
                    final int close = expr.indexOf(')', k);
                    i = close < 0 ? expr.length() : close + 1;
                    previous = "";
                    continue;
                }
                if (depthBrace == 0 && !call && !KEYWORDS.contains(word) && !isDurationUnit(expr, i)) {
                    out.add(word);
                }
                previous = word;
                i = j;
                continue;
            }
            if (c == '=' || c == '~' || c == '!') {
                i++;
                continue;
            }
            if (!Character.isWhitespace(c) && c != '(' && c != ',') {
                previous = "";
            }
            if (c == ')') {
                previous = "";
            }
            i++;
        }
        return out;
    }

    private static boolean isDurationUnit(String expr, int i) {
        return i > 0 && Character.isDigit(expr.charAt(i - 1));
    }

    private static int skipString(String expr, int i) {
        final char q = expr.charAt(i);
        int j = i + 1;
        while (j < expr.length() && expr.charAt(j) != q) {
            if (expr.charAt(j) == '\\' && q != '`') {
                j++;
            }
            j++;
        }
        return Math.min(j + 1, expr.length());
    }

    /** The expression as a simple threshold, or null when it is anything more. */
    public static SimpleThreshold threshold(String expr) {
        final Matcher m = THRESHOLD.matcher(expr);
        if (!m.matches() || KEYWORDS.contains(m.group(1))) {
            return null;
        }
        final List<String[]> matchers = new ArrayList<>();
        if (m.group(2) != null) {
            final String inner = m.group(2).substring(1, m.group(2).length() - 1).strip();
            final Matcher mm = MATCHER.matcher(inner);
            int at = 0;
            while (at < inner.length()) {
                if (!mm.find(at) || mm.start() != at) {
                    return null;
                }
                final String value = mm.group(3).replace("\\\"", "\"").replace("\\\\", "\\");
                if (mm.group(1).equals("__name__")) {
                    return null;
                }
                matchers.add(new String[] {mm.group(1), mm.group(2), value});
                at = mm.end();
            }
        }
        final String n = m.group(4);
        final double number = n.endsWith("nf") ? (n.startsWith("-") ? Double.NEGATIVE_INFINITY
            : Double.POSITIVE_INFINITY) : Double.parseDouble(n);
        return new SimpleThreshold(m.group(1), List.copyOf(matchers), m.group(3), number);
    }
}
