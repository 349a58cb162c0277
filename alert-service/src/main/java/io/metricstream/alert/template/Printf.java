package io.metricstream.alert.template;

import java.util.List;

/** Go's {@code fmt.Sprintf} for verbs {@code %v %s %d %f %e %g %q %%} with optional precision and width. */
final class Printf {
    private Printf() {
    }

    static String format(String f, List<Object> args) {
        final StringBuilder out = new StringBuilder();
        int arg = 0;
        for (int i = 0; i < f.length(); i++) {
            final char c = f.charAt(i);
            if (c != '%') {
                out.append(c);
                continue;
            }
            int j = i + 1;
            boolean minus = false;
            boolean zero = false;
            while (j < f.length() && (f.charAt(j) == '-' || f.charAt(j) == '0' || f.charAt(j) == '+')) {
                minus |= f.charAt(j) == '-';
                zero |= f.charAt(j) == '0';
                j++;
            }
            int width = 0;
            while (j < f.length() && Character.isDigit(f.charAt(j))) {
                width = width * 10 + (f.charAt(j++) - '0');
            }
            int prec = -1;
            if (j < f.length() && f.charAt(j) == '.') {
                j++;
                prec = 0;
                while (j < f.length() && Character.isDigit(f.charAt(j))) {
                    prec = prec * 10 + (f.charAt(j++) - '0');
                }
            }
            if (j >= f.length()) {
                out.append("%!(NOVERB)");
                break;
            }
            final char verb = f.charAt(j);
            i = j;
            if (verb == '%') {
                out.append('%');
                continue;
            }
            if (arg >= args.size()) {
                out.append("%!").append(verb).append("(MISSING)");
                continue;
            }
            final String s = one(verb, prec, args.get(arg++));
            pad(out, s, width, minus, zero && !minus && verb != 's' && verb != 'q');
        }
        if (arg < args.size()) {
            out.append("%!(EXTRA ");
            for (int k = arg; k < args.size(); k++) {
                out.append(k > arg ? ", " : "").append(TemplateEval.text(args.get(k)));
            }
            out.append(')');
        }
        return out.toString();
    }

    private static String one(char verb, int prec, Object a) {
        switch (verb) {
            case 'v':
            case 's':
                final String t = TemplateEval.text(a);
                return verb == 's' && prec >= 0 && prec < t.length() ? t.substring(0, prec) : t;
            case 'q':
                return '"' + TemplateEval.text(a).replace("\\", "\\\\").replace("\"", "\\\"") + '"';
            case 'd':
                if (a instanceof Double d) {
                    return "%!d(float64=" + GoFormat.value(d) + ")";
                }
                try {
                    return Long.toString(Long.parseLong(TemplateEval.text(a).strip()));
                } catch (NumberFormatException e) {
                    return "%!d(string=" + TemplateEval.text(a) + ")";
                }
            case 'f':
            case 'e':
            case 'g':
                final Double v = number(a);
                if (v == null) {
                    return "%!" + verb + "(string=" + TemplateEval.text(a) + ")";
                }
                if (verb == 'g') {
                    return prec < 0 ? GoFormat.value(v) : GoFormat.g(v, prec);
                }
                return GoFormat.fixed(verb, prec < 0 ? 6 : prec, v);
            default:
                return "%!" + verb + "(" + TemplateEval.text(a) + ")";
        }
    }

    private static Double number(Object a) {
        if (a instanceof Double d) {
            return d;
        }
        try {
            return Double.parseDouble(TemplateEval.text(a).strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static void pad(StringBuilder out, String s, int width, boolean left, boolean zero) {
        final int n = width - s.length();
        if (n <= 0) {
            out.append(s);
        } else if (left) {
            out.append(s).append(" ".repeat(n));
        } else {
            out.append((zero ? "0" : " ").repeat(n)).append(s);
        }
    }
}
