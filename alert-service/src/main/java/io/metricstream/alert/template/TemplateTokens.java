package io.metricstream.alert.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Splits a template command into tokens and classifies each as an operand. */
final class TemplateTokens {
    static final Set<String> FUNCTIONS = Set.of("humanize", "humanize1024", "humanizePercentage",
        "humanizeDuration", "printf", "toUpper", "toLower", "title", "index");
    private static final Set<String> KEYWORDS = Set.of("if", "else", "end", "range", "with", "define", "block",
        "template", "query", "break", "continue");

    private TemplateTokens() {
    }

    /** Whitespace-separated tokens, quoted strings kept whole; null for an unterminated quote. */
    static List<String> split(String cmd) {
        final List<String> out = new ArrayList<>();
        int i = 0;
        while (i < cmd.length()) {
            final char c = cmd.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            int j = i;
            if (c == '"' || c == '`') {
                j++;
                while (j < cmd.length() && cmd.charAt(j) != c) {
                    if (c == '"' && cmd.charAt(j) == '\\') {
                        j++;
                    }
                    j++;
                }
                if (j >= cmd.length()) {
                    return null;
                }
                j++;
            } else {
                while (j < cmd.length() && !Character.isWhitespace(cmd.charAt(j))) {
                    j++;
                }
            }
            out.add(cmd.substring(i, j));
            i = j;
        }
        return out;
    }

    /** The operand for {@code t}, or a String error. */
    static Object operand(String t) {
        final char c = t.charAt(0);
        if (c == '"') {
            return lit(unescape(t.substring(1, t.length() - 1)));
        }
        if (c == '`') {
            return lit(t.substring(1, t.length() - 1));
        }
        if (c == '$' || c == '.') {
            return variable(t);
        }
        if (Character.isDigit(c) || c == '-' || c == '+') {
            try {
                return new Template.Operand(Template.Operand.Kind.NUMBER, null, null, t, Double.parseDouble(t));
            } catch (NumberFormatException e) {
                return "bad number " + t;
            }
        }
        if (FUNCTIONS.contains(t)) {
            return new Template.Operand(Template.Operand.Kind.FUNC, t, null, null, 0);
        }
        if (KEYWORDS.contains(t)) {
            return "unsupported: \"" + t + "\" (supported: values, printf and humanize functions, pipelines)";
        }
        return "function \"" + t + "\" not defined";
    }

    private static Template.Operand lit(String s) {
        return new Template.Operand(Template.Operand.Kind.STRING, null, null, s, 0);
    }

    private static Object variable(String t) {
        final String root;
        final String rest;
        if (t.startsWith("$labels") || t.startsWith(".Labels")) {
            root = "labels";
            rest = t.substring(t.startsWith("$") ? 7 : 7);
        } else if (t.startsWith("$externalLabels") || t.startsWith(".ExternalLabels")) {
            root = "externalLabels";
            rest = t.substring(15);
        } else if (t.equals("$value") || t.equals(".Value")) {
            return new Template.Operand(Template.Operand.Kind.VAR, "value", null, null, 0);
        } else if (t.contains(":=") || t.startsWith("$")) {
            return "undefined variable \"" + t + "\" (supported: $labels, $value, $externalLabels)";
        } else {
            return "unsupported field \"" + t + "\" (supported: .Labels, .Value, .ExternalLabels)";
        }
        if (rest.isEmpty()) {
            return new Template.Operand(Template.Operand.Kind.VAR, root, null, null, 0);
        }
        if (rest.charAt(0) != '.' || rest.length() == 1 || rest.indexOf('.', 1) >= 0) {
            return "bad field reference \"" + t + "\"";
        }
        return new Template.Operand(Template.Operand.Kind.VAR, root, rest.substring(1), null, 0);
    }

    private static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        final StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                final char n = s.charAt(++i);
                b.append(switch (n) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    default -> n;
                });
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
