package io.metricstream.alert.notify;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * An Alertmanager label matcher: {@code name="v"}, {@code name!="v"}, {@code name=~"re"}, {@code name!~"re"}
 * (regexes fully anchored; an absent label matches as ""). Immutable.
 *
 * @param name    the label name
 * @param type    the operator
 * @param value   the value or regex text
 * @param pattern the compiled regex (regex types only)
 */
public record Matcher(String name, Type type, String value, Pattern pattern) {
    /** Matcher operators. */
    public enum Type {
        EQUAL("="), NOT_EQUAL("!="), REGEX("=~"), NOT_REGEX("!~");

        private final String op;

        Type(String op) {
            this.op = op;
        }

        /** The operator text. */
        public String op() {
            return op;
        }
    }

    /** A matcher; a bad regex is reported through {@link #parse}. */
    public static Matcher of(String name, Type type, String value) {
        final Pattern p = type == Type.REGEX || type == Type.NOT_REGEX ? Pattern.compile("^(?:" + value + ")$",
            Pattern.DOTALL) : null;
        return new Matcher(name, type, value, p);
    }

    /** True when {@code labels} satisfy this matcher. */
    public boolean matches(Map<String, String> labels) {
        final String v = labels.getOrDefault(name, "");
        return switch (type) {
            case EQUAL -> v.equals(value);
            case NOT_EQUAL -> !v.equals(value);
            case REGEX -> pattern.matcher(v).matches();
            case NOT_REGEX -> !pattern.matcher(v).matches();
        };
    }

    /** True when every matcher of {@code all} matches {@code labels}. */
    public static boolean all(List<Matcher> all, Map<String, String> labels) {
        for (Matcher m : all) {
            if (!m.matches(labels)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return name + type.op + "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /**
     * Parses one matcher string, or a {@code {a="b", c=~"d"}} set, into {@code out}.
     *
     * @return null, or the reason the text does not parse
     */
    public static String parse(String text, List<Matcher> out) {
        String s = text.strip();
        if (s.startsWith("{") && s.endsWith("}")) {
            s = s.substring(1, s.length() - 1);
        }
        int i = 0;
        final List<Matcher> found = new ArrayList<>();
        while (i < s.length()) {
            while (i < s.length() && (Character.isWhitespace(s.charAt(i)) || s.charAt(i) == ',')) {
                i++;
            }
            if (i >= s.length()) {
                break;
            }
            final int nameStart = i;
            while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
                i++;
            }
            final String name = s.substring(nameStart, i);
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            Type type = null;
            for (Type t : new Type[] {Type.REGEX, Type.NOT_REGEX, Type.NOT_EQUAL, Type.EQUAL}) {
                if (s.startsWith(t.op, i)) {
                    type = t;
                    i += t.op.length();
                    break;
                }
            }
            if (name.isEmpty() || type == null) {
                return "bad matcher \"" + text + "\"; want name=\"value\", name!=\"value\", name=~\"re\""
                    + " or name!~\"re\"";
            }
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            final StringBuilder value = new StringBuilder();
            if (i < s.length() && s.charAt(i) == '"') {
                i++;
                while (i < s.length() && s.charAt(i) != '"') {
                    if (s.charAt(i) == '\\' && i + 1 < s.length()) {
                        i++;
                    }
                    value.append(s.charAt(i++));
                }
                if (i >= s.length()) {
                    return "unterminated quoted value in matcher \"" + text + "\"";
                }
                i++;
            } else {
                while (i < s.length() && s.charAt(i) != ',') {
                    value.append(s.charAt(i++));
                }
            }
            try {
                found.add(of(name, type, value.toString().strip()));
            } catch (PatternSyntaxException e) {
                return "bad regex in matcher \"" + text + "\": " + e.getDescription();
            }
        }
        if (found.isEmpty()) {
            return "empty matcher \"" + text + "\"";
        }
        out.addAll(found);
        return null;
    }
}
