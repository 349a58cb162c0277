package io.metricstream.query.promql;

import io.metricstream.contracts.model.MetricNames;
import io.metricstream.contracts.storage.LabelMatcher;
import io.metricstream.query.promql.Token.Kind;
import io.metricstream.query.promql.ast.AggregateExpr;
import io.metricstream.query.promql.ast.AggregateOp;
import io.metricstream.query.promql.ast.At;
import io.metricstream.query.promql.ast.BinaryExpr;
import io.metricstream.query.promql.ast.BinaryOp;
import io.metricstream.query.promql.ast.Call;
import io.metricstream.query.promql.ast.Expr;
import io.metricstream.query.promql.ast.Function;
import io.metricstream.query.promql.ast.MatrixSelector;
import io.metricstream.query.promql.ast.NumberLiteral;
import io.metricstream.query.promql.ast.ParenExpr;
import io.metricstream.query.promql.ast.StringLiteral;
import io.metricstream.query.promql.ast.SubqueryExpr;
import io.metricstream.query.promql.ast.UnaryExpr;
import io.metricstream.query.promql.ast.ValueType;
import io.metricstream.query.promql.ast.VectorMatching;
import io.metricstream.query.promql.ast.VectorSelector;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.PatternSyntaxException;

/**
 * Recursive-descent PromQL parser with Prometheus 2.x precedence ({@code or} &lt; {@code and unless} &lt;
 * comparisons &lt; {@code + -} &lt; {@code * / % atan2} &lt; unary &lt; {@code ^}, which is right-associative) and
 * type checking. Errors carry the offending position. Not thread-safe; one instance per query.
 */
public final class Parser {
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "atan2", "by", "without", "on",
        "ignoring", "group_left", "group_right", "bool", "offset");

    private final String src;
    private final List<Token> tokens;
    private int at;

    private Parser(final String src, final List<Token> tokens) {
        this.src = src;
        this.tokens = tokens;
    }

    /** Parses and type-checks {@code query}. */
    public static Expr parse(final String query) throws ParseException {
        final Parser p = new Parser(query, Lexer.tokenize(query));
        if (p.peek().kind() == Kind.EOF) {
            throw new ParseException(query, 0, "no expression found in input");
        }
        final Expr e = p.binary(1);
        if (p.peek().kind() != Kind.EOF) {
            throw p.unexpected(p.peek(), null);
        }
        return e;
    }

    /** Parses a series selector ({@code match[]} of the series API); must be an instant vector selector. */
    public static VectorSelector parseSelector(final String text) throws ParseException {
        final Expr e = parse(text);
        if (e instanceof VectorSelector vs) {
            return vs;
        }
        throw new ParseException(text, 0, "expected type instant vector selector, got " + e.type().description());
    }

    private Token peek() {
        return tokens.get(at);
    }

    private Token peek(final int ahead) {
        return tokens.get(Math.min(at + ahead, tokens.size() - 1));
    }

    private Token take() {
        return tokens.get(at++);
    }

    private Token expect(final Kind kind, final String context) throws ParseException {
        final Token t = peek();
        if (t.kind() != kind) {
            throw unexpected(t, context + (kind == Kind.EOF ? "" : ", expected " + kind.description()));
        }
        return take();
    }

    private ParseException unexpected(final Token t, final String context) {
        return new ParseException(src, t.pos(), "unexpected " + t.describe() + (context == null ? "" : " in "
            + context));
    }

    private ParseException error(final int pos, final String reason) {
        return new ParseException(src, pos, reason);
    }

    private boolean isWord(final Token t, final String word) {
        return t.kind() == Kind.IDENT && t.text().equalsIgnoreCase(word);
    }

    private BinaryOp binaryOp(final Token t) {
        return switch (t.kind()) {
            case ADD -> BinaryOp.ADD;
            case SUB -> BinaryOp.SUB;
            case MUL -> BinaryOp.MUL;
            case DIV -> BinaryOp.DIV;
            case MOD -> BinaryOp.MOD;
            case POW -> BinaryOp.POW;
            case EQLC -> BinaryOp.EQL;
            case NEQ -> BinaryOp.NEQ;
            case LSS -> BinaryOp.LSS;
            case LTE -> BinaryOp.LTE;
            case GTR -> BinaryOp.GTR;
            case GTE -> BinaryOp.GTE;
            case IDENT -> switch (t.text().toLowerCase(Locale.ROOT)) {
                case "and" -> BinaryOp.AND;
                case "or" -> BinaryOp.OR;
                case "unless" -> BinaryOp.UNLESS;
                case "atan2" -> BinaryOp.ATAN2;
                default -> null;
            };
            default -> null;
        };
    }

    private Expr binary(final int minPrecedence) throws ParseException {
        Expr lhs = unary();
        while (true) {
            final Token opToken = peek();
            final BinaryOp op = binaryOp(opToken);
            if (op == null || op.precedence() < minPrecedence) {
                return lhs;
            }
            take();
            boolean returnBool = false;
            if (isWord(peek(), "bool")) {
                take();
                returnBool = true;
            }
            final VectorMatching matching = matching(op);
            final Expr rhs = binary(op.rightAssociative() ? op.precedence() : op.precedence() + 1);
            lhs = check(new BinaryExpr(op, lhs, rhs, matching, returnBool, lhs.pos()), opToken);
        }
    }

    private VectorMatching matching(final BinaryOp op) throws ParseException {
        VectorMatching.Card card = op.isSetOperator() ? VectorMatching.Card.MANY_TO_MANY
            : VectorMatching.Card.ONE_TO_ONE;
        List<String> labels = List.of();
        boolean on = false;
        List<String> include = List.of();
        boolean explicit = false;
        if (isWord(peek(), "on") || isWord(peek(), "ignoring")) {
            on = isWord(take(), "on");
            labels = labelList("grouping opts");
            explicit = true;
        }
        if (isWord(peek(), "group_left") || isWord(peek(), "group_right")) {
            final Token g = take();
            if (op.isSetOperator()) {
                throw error(g.pos(), "no grouping allowed for \"" + op.text() + "\" operation");
            }
            card = isWord(g, "group_left") ? VectorMatching.Card.MANY_TO_ONE : VectorMatching.Card.ONE_TO_MANY;
            if (peek().kind() == Kind.LPAREN) {
                include = labelList("grouping opts");
            }
            explicit = true;
            for (final String l : include) {
                if (on && labels.contains(l)) {
                    throw error(g.pos(), "label \"" + l + "\" must not occur in ON and GROUP clause at once");
                }
            }
        }
        return explicit || op.isSetOperator() ? new VectorMatching(card, labels, on, include)
            : new VectorMatching(card, List.of(), false, List.of());
    }

    private BinaryExpr check(final BinaryExpr b, final Token opToken) throws ParseException {
        final ValueType l = b.lhs().type();
        final ValueType r = b.rhs().type();
        if (l != ValueType.SCALAR && l != ValueType.VECTOR || r != ValueType.SCALAR && r != ValueType.VECTOR) {
            throw error(b.pos(), "binary expression must contain only scalar and instant vector types");
        }
        if (b.returnBool() && !b.op().isComparison()) {
            throw error(opToken.pos(), "bool modifier can only be used on comparison operators");
        }
        if (b.op().isComparison() && !b.returnBool() && l == ValueType.SCALAR && r == ValueType.SCALAR) {
            throw error(opToken.pos(), "comparisons between scalars must use BOOL modifier");
        }
        if (b.op().isSetOperator() && (l == ValueType.SCALAR || r == ValueType.SCALAR)) {
            throw error(opToken.pos(), "set operator \"" + b.op().text() + "\" not allowed in binary scalar "
                + "expression");
        }
        final VectorMatching m = b.matching();
        final boolean explicit = !m.labels().isEmpty() || m.on() || !m.include().isEmpty()
            || m.card() == VectorMatching.Card.MANY_TO_ONE || m.card() == VectorMatching.Card.ONE_TO_MANY;
        if ((l != ValueType.VECTOR || r != ValueType.VECTOR)) {
            if (explicit && !b.op().isSetOperator()) {
                throw error(opToken.pos(), "vector matching only allowed between instant vectors");
            }
            return new BinaryExpr(b.op(), b.lhs(), b.rhs(), null, b.returnBool(), b.pos());
        }
        return b;
    }

    private Expr unary() throws ParseException {
        final Token t = peek();
        if (t.kind() == Kind.SUB || t.kind() == Kind.ADD) {
            take();
            final Expr e = binary(BinaryOp.POW.precedence());
            if (e.type() != ValueType.SCALAR && e.type() != ValueType.VECTOR) {
                throw error(t.pos(), "unary expression only allowed on expressions of type scalar or instant "
                    + "vector, got \"" + e.type().description() + "\"");
            }
            if (t.kind() == Kind.ADD) {
                return e;
            }
            if (e instanceof NumberLiteral n) {
                return new NumberLiteral(-n.value(), t.pos());
            }
            return new UnaryExpr(true, e, t.pos());
        }
        return postfix(primary());
    }

    private Expr postfix(final Expr base) throws ParseException {
        Expr e = base;
        while (true) {
            final Token t = peek();
            if (t.kind() == Kind.LBRACKET) {
                e = rangeOrSubquery(e);
            } else if (isWord(t, "offset")) {
                take();
                e = offset(e, t);
            } else if (t.kind() == Kind.AT) {
                take();
                e = at(e, t);
            } else {
                return e;
            }
        }
    }

    private Expr rangeOrSubquery(final Expr e) throws ParseException {
        final Token open = take();
        final long range = duration("range");
        if (peek().kind() == Kind.RBRACKET) {
            take();
            if (!(e instanceof VectorSelector vs)) {
                throw error(open.pos(), "ranges only allowed for vector selectors");
            }
            if (vs.offsetMs() != 0 || vs.at().present()) {
                throw error(open.pos(), "no offset or @ modifiers allowed before range");
            }
            return new MatrixSelector(vs, range, e.pos());
        }
        expect(Kind.COLON, "subquery selector");
        long step = 0;
        if (peek().kind() != Kind.RBRACKET) {
            step = duration("subquery step");
            if (step == 0) {
                throw error(peek().pos(), "step of subquery must be greater than 0");
            }
        }
        expect(Kind.RBRACKET, "subquery selector");
        if (e.type() != ValueType.VECTOR) {
            throw error(e.pos(), "subquery is only allowed on instant vector, got " + e.type().description()
                + " instead");
        }
        return new SubqueryExpr(e, range, step, 0, At.NONE, e.pos());
    }

    private long duration(final String what) throws ParseException {
        final Token t = peek();
        if (t.kind() != Kind.DURATION && !(t.kind() == Kind.NUMBER && t.text().equals("0"))) {
            throw unexpected(t, what + ", expected duration");
        }
        take();
        final long ms = Durations.parseMs(t.text());
        if (ms <= 0 && what.equals("range")) {
            throw error(t.pos(), "duration must be greater than 0");
        }
        return ms;
    }

    private Expr offset(final Expr e, final Token t) throws ParseException {
        long sign = 1;
        if (peek().kind() == Kind.SUB) {
            take();
            sign = -1;
        } else if (peek().kind() == Kind.ADD) {
            take();
        }
        final Token d = peek();
        if (d.kind() != Kind.DURATION) {
            throw unexpected(d, "offset, expected duration");
        }
        take();
        final long ms = sign * Durations.parseMs(d.text());
        return switch (e) {
            case VectorSelector vs when vs.offsetMs() == 0 -> vs.withOffset(ms);
            case MatrixSelector m when m.selector().offsetMs() == 0 ->
                new MatrixSelector(m.selector().withOffset(ms), m.rangeMs(), m.pos());
            case SubqueryExpr s when s.offsetMs() == 0 ->
                new SubqueryExpr(s.expr(), s.rangeMs(), s.stepMs(), ms, s.at(), s.pos());
            case VectorSelector vs -> throw error(t.pos(), "offset may not be set multiple times");
            case MatrixSelector m -> throw error(t.pos(), "offset may not be set multiple times");
            case SubqueryExpr s -> throw error(t.pos(), "offset may not be set multiple times");
            default -> throw error(t.pos(), "offset modifier must be preceded by an instant vector selector or "
                + "range vector selector or a subquery");
        };
    }

    private Expr at(final Expr e, final Token t) throws ParseException {
        final At modifier;
        final Token n = peek();
        if (isWord(n, "start") || isWord(n, "end")) {
            take();
            expect(Kind.LPAREN, "@ modifier");
            expect(Kind.RPAREN, "@ modifier");
            modifier = new At(isWord(n, "start") ? At.Kind.START : At.Kind.END, 0);
        } else {
            double sign = 1;
            if (peek().kind() == Kind.SUB || peek().kind() == Kind.ADD) {
                sign = take().kind() == Kind.SUB ? -1 : 1;
            }
            final Token num = peek();
            if (num.kind() != Kind.NUMBER) {
                throw unexpected(num, "@ modifier, expected timestamp");
            }
            take();
            final double seconds = sign * number(num);
            if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
                throw error(num.pos(), "timestamp out of bounds for @ modifier: " + seconds);
            }
            modifier = new At(At.Kind.TIME, Math.round(seconds * 1000));
        }
        return switch (e) {
            case VectorSelector vs when !vs.at().present() -> vs.withAt(modifier);
            case MatrixSelector m when !m.selector().at().present() ->
                new MatrixSelector(m.selector().withAt(modifier), m.rangeMs(), m.pos());
            case SubqueryExpr s when !s.at().present() ->
                new SubqueryExpr(s.expr(), s.rangeMs(), s.stepMs(), s.offsetMs(), modifier, s.pos());
            case VectorSelector vs -> throw error(t.pos(), "@ <timestamp> may not be set multiple times");
            case MatrixSelector m -> throw error(t.pos(), "@ <timestamp> may not be set multiple times");
            case SubqueryExpr s -> throw error(t.pos(), "@ <timestamp> may not be set multiple times");
            default -> throw error(t.pos(), "@ modifier must be preceded by an instant vector selector or range "
                + "vector selector or a subquery");
        };
    }

    private double number(final Token t) throws ParseException {
        final String s = t.text();
        if (s.equalsIgnoreCase("inf")) {
            return Double.POSITIVE_INFINITY;
        }
        if (s.equalsIgnoreCase("nan")) {
            return Double.NaN;
        }
        try {
            if (s.startsWith("0x") || s.startsWith("0X")) {
                return Long.parseUnsignedLong(s.substring(2), 16);
            }
            return Double.parseDouble(s);
        } catch (final NumberFormatException e) {
            throw error(t.pos(), "bad number or duration syntax: \"" + s + "\"");
        }
    }

    private Expr primary() throws ParseException {
        final Token t = peek();
        switch (t.kind()) {
            case NUMBER -> {
                take();
                return new NumberLiteral(number(t), t.pos());
            }
            case STRING -> {
                take();
                return new StringLiteral(t.text(), t.pos());
            }
            case LPAREN -> {
                take();
                final Expr inner = binary(1);
                expect(Kind.RPAREN, "paren expression");
                return new ParenExpr(inner, t.pos());
            }
            case LBRACE -> {
                return selector(null, t.pos());
            }
            case IDENT -> {
                return identifier(t);
            }
            default -> throw unexpected(t, null);
        }
    }

    private Expr identifier(final Token t) throws ParseException {
        final AggregateOp agg = AggregateOp.of(t.text());
        final Token next = peek(1);
        if (agg != null && (next.kind() == Kind.LPAREN || isWord(next, "by") || isWord(next, "without"))) {
            take();
            return aggregation(agg, t);
        }
        if (next.kind() == Kind.LPAREN) {
            final Function f = Function.of(t.text());
            if (f == null) {
                throw error(t.pos(), "unknown function with name \"" + t.text() + "\"");
            }
            take();
            return call(f, t);
        }
        if (KEYWORDS.contains(t.text().toLowerCase(Locale.ROOT)) || agg != null) {
            throw unexpected(t, null);
        }
        take();
        return selector(t.text(), t.pos());
    }

    private Expr call(final Function f, final Token t) throws ParseException {
        expect(Kind.LPAREN, "function call");
        final List<Expr> args = new ArrayList<>();
        if (peek().kind() != Kind.RPAREN) {
            while (true) {
                args.add(binary(1));
                if (peek().kind() == Kind.COMMA) {
                    take();
                    continue;
                }
                break;
            }
        }
        final Token close = peek();
        if (close.kind() != Kind.RPAREN) {
            throw unexpected(close, "function call, expected \",\" or \")\"");
        }
        take();
        final int declared = f.declaredArgs();
        final int min = f.optional() < 0 ? declared - 1 : declared - f.optional();
        final boolean tooMany = f.optional() >= 0 && args.size() > declared;
        if (args.size() < min || tooMany) {
            final String want = f.optional() == 0 ? Integer.toString(declared)
                : f.optional() < 0 ? "at least " + min : min + " to " + declared;
            throw error(t.pos(), "expected " + want + " argument(s) in call to \"" + f.text() + "\", got "
                + args.size());
        }
        for (int i = 0; i < args.size(); i++) {
            final ValueType want = f.argType(i);
            if (args.get(i).type() != want) {
                throw error(args.get(i).pos(), "expected type " + want.description() + " in call to function \""
                    + f.text() + "\", got " + args.get(i).type().description());
            }
        }
        return new Call(f, List.copyOf(args), t.pos());
    }

    private Expr aggregation(final AggregateOp op, final Token t) throws ParseException {
        List<String> grouping = List.of();
        boolean without = false;
        boolean grouped = false;
        if (isWord(peek(), "by") || isWord(peek(), "without")) {
            without = isWord(take(), "without");
            grouping = labelList("grouping opts");
            grouped = true;
        }
        expect(Kind.LPAREN, "aggregation");
        Expr param = null;
        if (op.hasParam()) {
            param = binary(1);
            expect(Kind.COMMA, "aggregation");
        }
        final Expr expr = binary(1);
        final Token close = peek();
        if (close.kind() == Kind.COMMA) {
            throw error(close.pos(), "unexpected \",\" in aggregation, " + (op.hasParam() ? "expected \")\""
                : "no parameter allowed for \"" + op.text() + "\""));
        }
        expect(Kind.RPAREN, "aggregation");
        if (!grouped && (isWord(peek(), "by") || isWord(peek(), "without"))) {
            without = isWord(take(), "without");
            grouping = labelList("grouping opts");
        }
        if (expr.type() != ValueType.VECTOR) {
            throw error(expr.pos(), "expected type instant vector in aggregation expression, got "
                + expr.type().description());
        }
        if (param != null) {
            final ValueType want = op == AggregateOp.COUNT_VALUES ? ValueType.STRING : ValueType.SCALAR;
            if (param.type() != want) {
                throw error(param.pos(), "expected type " + want.description() + " in aggregation parameter, got "
                    + param.type().description());
            }
            if (op == AggregateOp.COUNT_VALUES && param instanceof StringLiteral s
                && !MetricNames.isValidLabelName(s.value())) {
                throw error(param.pos(), "invalid label name \"" + s.value() + "\"");
            }
        }
        return new AggregateExpr(op, expr, param, grouping, without, t.pos());
    }

    private List<String> labelList(final String context) throws ParseException {
        expect(Kind.LPAREN, context);
        final List<String> labels = new ArrayList<>();
        while (peek().kind() != Kind.RPAREN) {
            final Token l = peek();
            if (l.kind() != Kind.IDENT || l.text().indexOf(':') >= 0) {
                throw unexpected(l, context + ", expected label");
            }
            take();
            labels.add(l.text());
            if (peek().kind() == Kind.COMMA) {
                take();
            } else if (peek().kind() != Kind.RPAREN) {
                throw unexpected(peek(), context + ", expected \",\" or \")\"");
            }
        }
        take();
        return List.copyOf(labels);
    }

    private VectorSelector selector(final String name, final int pos) throws ParseException {
        final List<LabelMatcher> matchers = new ArrayList<>();
        if (name != null) {
            matchers.add(LabelMatcher.eq(MetricNames.METRIC_NAME_LABEL, name));
        }
        if (peek().kind() == Kind.LBRACE) {
            take();
            while (peek().kind() != Kind.RBRACE) {
                matchers.add(matcher(name));
                if (peek().kind() == Kind.COMMA) {
                    take();
                } else if (peek().kind() != Kind.RBRACE) {
                    throw unexpected(peek(), "label matching, expected \",\" or \"}\"");
                }
            }
            take();
        }
        boolean nonEmpty = false;
        for (final LabelMatcher m : matchers) {
            nonEmpty |= !m.matchesEmpty();
        }
        if (!nonEmpty) {
            throw error(pos, "vector selector must contain at least one non-empty matcher");
        }
        return new VectorSelector(name, List.copyOf(matchers), 0, At.NONE, pos);
    }

    /** Go (RE2) spells named groups {@code (?P<name>...)}; Java wants {@code (?<name>...)}. */
    public static String goRegex(final String re) {
        return re.replace("(?P<", "(?<");
    }

    private LabelMatcher matcher(final String metricName) throws ParseException {
        final Token label = peek();
        if (label.kind() != Kind.IDENT || label.text().indexOf(':') >= 0) {
            throw unexpected(label, "label matching, expected label");
        }
        take();
        final Token op = take();
        final LabelMatcher.Type type = switch (op.kind()) {
            case ASSIGN -> LabelMatcher.Type.EQ;
            case NEQ -> LabelMatcher.Type.NEQ;
            case EQL_REGEX -> LabelMatcher.Type.RE;
            case NEQ_REGEX -> LabelMatcher.Type.NRE;
            default -> throw unexpected(op, "label matching, expected one of \"=\", \"!=\", \"=~\" or \"!~\"");
        };
        final Token value = peek();
        if (value.kind() != Kind.STRING) {
            throw unexpected(value, "label matching, expected string");
        }
        take();
        if (metricName != null && label.text().equals(MetricNames.METRIC_NAME_LABEL)) {
            throw error(label.pos(), "metric name must not be set twice: \"" + metricName + "\" or \""
                + value.text() + "\"");
        }
        try {
            final boolean regex = type == LabelMatcher.Type.RE || type == LabelMatcher.Type.NRE;
            return LabelMatcher.of(type, label.text(), regex ? goRegex(value.text()) : value.text());
        } catch (final PatternSyntaxException e) {
            throw error(value.pos(), "invalid regular expression \"" + value.text() + "\": " + e.getDescription());
        }
    }
}
