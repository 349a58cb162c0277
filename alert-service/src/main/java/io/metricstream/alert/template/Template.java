package io.metricstream.alert.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A parsed annotation or label template. Supported (a subset of Go's text/template as Prometheus uses it):
 * <ul>
 *   <li>text with {@code {{ pipeline }}} actions, {@code {{-}} / {@code -}}} whitespace trimming and
 *       {@code {{/* comment *&#47;}}};</li>
 *   <li>operands {@code $labels}, {@code $labels.name}, {@code $value}, {@code $externalLabels},
 *       {@code $externalLabels.name}, {@code .Labels.name}, {@code .Value}, {@code .ExternalLabels.name},
 *       {@code "string"}, {@code `raw`} and numbers;</li>
 *   <li>functions {@code humanize}, {@code humanize1024}, {@code humanizePercentage}, {@code humanizeDuration},
 *       {@code printf "fmt" args…} (verbs {@code %v %s %d %f %e %g %q %%} with precision), {@code toUpper},
 *       {@code toLower}, {@code title}, {@code index $labels "name"};</li>
 *   <li>pipelines {@code {{ $value | humanize }}}.</li>
 * </ul>
 * Not supported (rejected at load with the reason): {@code if}/{@code range}/{@code with}/{@code define},
 * variable assignment, {@code query}. Immutable and thread-safe once parsed.
 */
public final class Template {
    private final String source;
    private final List<Object> parts;
    private final String error;

    private Template(String source, List<Object> parts, String error) {
        this.source = source;
        this.parts = parts;
        this.error = error;
    }

    /** An operand: a variable path, a literal or a function name. */
    record Operand(Kind kind, String root, String field, String literal, double number) {
        enum Kind { VAR, STRING, NUMBER, FUNC }
    }

    /** One command of a pipeline: its operands. */
    record Command(List<Operand> operands) {
    }

    /** One action: commands joined by {@code |}. */
    record Action(List<Command> commands) {
    }

    /** Parses {@code text}; a template that does not parse has a non-null {@link #error()}. */
    public static Template parse(String text) {
        final List<Object> parts = new ArrayList<>();
        int i = 0;
        boolean trimNext = false;
        while (i < text.length()) {
            final int open = text.indexOf("{{", i);
            String literal = open < 0 ? text.substring(i) : text.substring(i, open);
            if (trimNext) {
                literal = literal.stripLeading();
            }
            if (open < 0) {
                parts.add(literal);
                break;
            }
            final int close = text.indexOf("}}", open + 2);
            if (close < 0) {
                return failed(text, "unclosed action at offset " + open);
            }
            String inner = text.substring(open + 2, close);
            if (inner.startsWith("-") && (inner.length() == 1 || Character.isWhitespace(inner.charAt(1)))) {
                literal = literal.stripTrailing();
                inner = inner.substring(1);
            }
            trimNext = inner.endsWith("-") && (inner.length() == 1
                || Character.isWhitespace(inner.charAt(inner.length() - 2)));
            if (trimNext) {
                inner = inner.substring(0, inner.length() - 1);
            }
            parts.add(literal);
            final String body = inner.strip();
            if (!(body.startsWith("/*") && body.endsWith("*/"))) {
                final Object action = parseAction(body);
                if (action instanceof String err) {
                    return failed(text, err + " in {{" + inner + "}}");
                }
                parts.add(action);
            }
            i = close + 2;
        }
        return new Template(text, List.copyOf(parts), null);
    }

    private static Template failed(String text, String error) {
        return new Template(text, List.of(), error);
    }

    private static Object parseAction(String body) {
        if (body.isEmpty()) {
            return "missing value for command";
        }
        final List<Command> commands = new ArrayList<>();
        for (String cmd : splitPipes(body)) {
            final List<String> tokens = TemplateTokens.split(cmd.strip());
            if (tokens == null) {
                return "unterminated quoted string";
            }
            if (tokens.isEmpty()) {
                return "missing command in pipeline";
            }
            final List<Operand> ops = new ArrayList<>();
            for (String t : tokens) {
                final Object op = TemplateTokens.operand(t);
                if (op instanceof String err) {
                    return err;
                }
                ops.add((Operand) op);
            }
            commands.add(new Command(List.copyOf(ops)));
        }
        return new Action(List.copyOf(commands));
    }

    private static List<String> splitPipes(String body) {
        final List<String> out = new ArrayList<>();
        int start = 0;
        char quote = 0;
        for (int i = 0; i < body.length(); i++) {
            final char c = body.charAt(i);
            if (quote != 0) {
                if (c == '\\' && quote == '"') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '"' || c == '`') {
                quote = c;
            } else if (c == '|') {
                out.add(body.substring(start, i));
                start = i + 1;
            }
        }
        out.add(body.substring(start));
        return out;
    }

    /** The parse error, or null when the template parsed. */
    public String error() {
        return error;
    }

    /** The template text. */
    public String source() {
        return source;
    }

    /**
     * Renders with {@code ctx}. An execution error (unknown label is not one: it renders as {@code <no value>},
     * like Go) renders the error text in place, as Prometheus does, prefixed with {@code <error expanding template:}.
     */
    public String render(TemplateContext ctx) {
        if (error != null) {
            return "<error expanding template: " + error + ">";
        }
        final StringBuilder out = new StringBuilder();
        for (Object p : parts) {
            if (p instanceof String s) {
                out.append(s);
            } else {
                final Object v = TemplateEval.action((Action) p, ctx);
                if (v instanceof TemplateEval.Failure f) {
                    return "<error expanding template: " + f.message() + ">";
                }
                out.append(TemplateEval.text(v));
            }
        }
        return out.toString();
    }

    /** Renders every value of {@code templates} (e.g. annotations) with {@code ctx}. */
    public static Map<String, String> renderAll(Map<String, Template> templates, TemplateContext ctx) {
        final java.util.TreeMap<String, String> out = new java.util.TreeMap<>();
        templates.forEach((k, t) -> out.put(k, t.render(ctx)));
        return out;
    }
}
