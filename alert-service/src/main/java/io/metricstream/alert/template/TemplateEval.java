package io.metricstream.alert.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Executes parsed actions: values are String, Double or Map&lt;String,String&gt;; errors are {@link Failure}. */
final class TemplateEval {
    private static final String NO_VALUE = "<no value>";

    private TemplateEval() {
    }

    /** An execution error. */
    record Failure(String message) {
    }

    static Object action(Template.Action a, TemplateContext ctx) {
        Object piped = null;
        boolean hasPiped = false;
        for (Template.Command c : a.commands()) {
            final Object v = command(c, ctx, piped, hasPiped);
            if (v instanceof Failure) {
                return v;
            }
            piped = v;
            hasPiped = true;
        }
        return piped;
    }

    private static Object command(Template.Command c, TemplateContext ctx, Object piped, boolean hasPiped) {
        final Template.Operand head = c.operands().getFirst();
        if (head.kind() != Template.Operand.Kind.FUNC) {
            if (c.operands().size() > 1 || hasPiped) {
                return new Failure("can't give argument to non-function " + describe(head));
            }
            return operand(head, ctx);
        }
        final List<Object> args = new ArrayList<>();
        for (int i = 1; i < c.operands().size(); i++) {
            final Template.Operand o = c.operands().get(i);
            if (o.kind() == Template.Operand.Kind.FUNC) {
                return new Failure("function " + o.root() + " used as an argument (use a pipeline)");
            }
            args.add(operand(o, ctx));
        }
        if (hasPiped) {
            args.add(piped);
        }
        return call(head.root(), args);
    }

    private static String describe(Template.Operand o) {
        return o.kind() == Template.Operand.Kind.STRING ? "\"" + o.literal() + "\"" : String.valueOf(o.root());
    }

    private static Object operand(Template.Operand o, TemplateContext ctx) {
        return switch (o.kind()) {
            case STRING -> o.literal();
            case NUMBER -> o.literal().matches("[-+]?[0-9]+") ? (Object) Long.parseLong(o.literal()) : o.number();
            case FUNC -> new Failure("function " + o.root() + " needs arguments");
            case VAR -> switch (o.root()) {
                case "value" -> ctx.value();
                case "labels" -> o.field() == null ? ctx.labels() : ctx.labels().getOrDefault(o.field(), NO_VALUE);
                default -> o.field() == null ? ctx.externalLabels()
                    : ctx.externalLabels().getOrDefault(o.field(), NO_VALUE);
            };
        };
    }

    private static Object call(String fn, List<Object> args) {
        if (fn.equals("printf")) {
            if (args.isEmpty() || !(args.getFirst() instanceof String f)) {
                return new Failure("printf needs a format string");
            }
            return Printf.format(f, args.subList(1, args.size()));
        }
        if (fn.equals("index")) {
            if (args.size() != 2 || !(args.get(0) instanceof Map<?, ?> m)) {
                return new Failure("index needs a map and a key");
            }
            final Object v = m.get(text(args.get(1)));
            return v == null ? "" : v;
        }
        if (args.size() != 1) {
            return new Failure("wrong number of args for " + fn + ": want 1 got " + args.size());
        }
        final Object a = args.getFirst();
        switch (fn) {
            case "toUpper":
                return text(a).toUpperCase(Locale.ROOT);
            case "toLower":
                return text(a).toLowerCase(Locale.ROOT);
            case "title":
                return title(text(a));
            default:
                break;
        }
        final double v;
        if (a instanceof Double d) {
            v = d;
        } else {
            try {
                v = Double.parseDouble(text(a).strip());
            } catch (NumberFormatException e) {
                return new Failure(fn + ": cannot convert \"" + text(a) + "\" to a number");
            }
        }
        return switch (fn) {
            case "humanize" -> GoFormat.humanize(v);
            case "humanize1024" -> GoFormat.humanize1024(v);
            case "humanizePercentage" -> GoFormat.humanizePercentage(v);
            default -> GoFormat.humanizeDuration(v);
        };
    }

    private static String title(String s) {
        final StringBuilder b = new StringBuilder(s.length());
        boolean start = true;
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            b.append(start ? Character.toUpperCase(c) : c);
            start = !Character.isLetterOrDigit(c);
        }
        return b.toString();
    }

    @SuppressWarnings("unchecked")
    static String text(Object v) {
        if (v instanceof Double d) {
            return GoFormat.value(d);
        }
        if (v instanceof Map<?, ?> m) {
            return GoFormat.map((Map<String, String>) m);
        }
        return v == null ? NO_VALUE : v.toString();
    }
}
