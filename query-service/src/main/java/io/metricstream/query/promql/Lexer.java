package io.metricstream.query.promql;

import io.metricstream.query.promql.Token.Kind;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a PromQL query into tokens. Numbers (decimal, exponent, hex, {@code Inf}, {@code NaN}) and durations
 * ({@code 5m}, {@code 1h30m}) are told apart here; strings are unescaped (Go escapes in {@code "..."} and
 * {@code '...'}, none in back-quoted raw strings); {@code #} starts a comment to the end of the line.
 */
public final class Lexer {
    private final String src;
    private int at;
    private int bracketDepth;

    private Lexer(final String src) {
        this.src = src;
    }

    /** Tokenizes {@code query}; the list ends with an EOF token. */
    public static List<Token> tokenize(final String query) throws ParseException {
        return new Lexer(query).run();
    }

    private List<Token> run() throws ParseException {
        final List<Token> out = new ArrayList<>();
        while (true) {
            skipSpace();
            if (at >= src.length()) {
                out.add(new Token(Kind.EOF, "", src.length()));
                return out;
            }
            out.add(next());
        }
    }

    private void skipSpace() {
        while (at < src.length()) {
            final char c = src.charAt(at);
            if (c == '#') {
                while (at < src.length() && src.charAt(at) != '\n') {
                    at++;
                }
            } else if (Character.isWhitespace(c)) {
                at++;
            } else {
                return;
            }
        }
    }

    private Token next() throws ParseException {
        final int start = at;
        final char c = src.charAt(at);
        if (Character.isDigit(c) || c == '.' && at + 1 < src.length() && Character.isDigit(src.charAt(at + 1))) {
            return number(start);
        }
        if (c == ':' && bracketDepth > 0) {
            at++;
            return new Token(Kind.COLON, ":", start);
        }
        if (isIdentStart(c)) {
            while (at < src.length() && isIdentPart(src.charAt(at))) {
                at++;
            }
            final String word = src.substring(start, at);
            if (word.equalsIgnoreCase("inf") || word.equalsIgnoreCase("nan")) {
                return new Token(Kind.NUMBER, word, start);
            }
            return new Token(Kind.IDENT, word, start);
        }
        if (c == '"' || c == '\'' || c == '`') {
            return string(start, c);
        }
        at++;
        final char n = at < src.length() ? src.charAt(at) : '\0';
        return switch (c) {
            case '{' -> new Token(Kind.LBRACE, "{", start);
            case '}' -> new Token(Kind.RBRACE, "}", start);
            case '(' -> new Token(Kind.LPAREN, "(", start);
            case ')' -> new Token(Kind.RPAREN, ")", start);
            case '[' -> {
                bracketDepth++;
                yield new Token(Kind.LBRACKET, "[", start);
            }
            case ']' -> {
                bracketDepth = Math.max(0, bracketDepth - 1);
                yield new Token(Kind.RBRACKET, "]", start);
            }
            case ',' -> new Token(Kind.COMMA, ",", start);
            case ':' -> new Token(Kind.COLON, ":", start);
            case '@' -> new Token(Kind.AT, "@", start);
            case '+' -> new Token(Kind.ADD, "+", start);
            case '-' -> new Token(Kind.SUB, "-", start);
            case '*' -> new Token(Kind.MUL, "*", start);
            case '/' -> new Token(Kind.DIV, "/", start);
            case '%' -> new Token(Kind.MOD, "%", start);
            case '^' -> new Token(Kind.POW, "^", start);
            case '=' -> n == '=' ? two(Kind.EQLC, "==", start) : n == '~' ? two(Kind.EQL_REGEX, "=~", start)
                : new Token(Kind.ASSIGN, "=", start);
            case '!' -> {
                if (n == '=') {
                    yield two(Kind.NEQ, "!=", start);
                }
                if (n == '~') {
                    yield two(Kind.NEQ_REGEX, "!~", start);
                }
                throw new ParseException(src, start, "unexpected character after '!': " + quoteChar(n));
            }
            case '<' -> n == '=' ? two(Kind.LTE, "<=", start) : new Token(Kind.LSS, "<", start);
            case '>' -> n == '=' ? two(Kind.GTE, ">=", start) : new Token(Kind.GTR, ">", start);
            default -> throw new ParseException(src, start, "unexpected character: " + quoteChar(c));
        };
    }

    private static String quoteChar(final char c) {
        return c == '\0' ? "end of input" : "'" + c + "'";
    }

    private Token two(final Kind kind, final String text, final int start) {
        at++;
        return new Token(kind, text, start);
    }

    private Token number(final int start) throws ParseException {
        if (src.startsWith("0x", at) || src.startsWith("0X", at)) {
            at += 2;
            while (at < src.length() && Character.digit(src.charAt(at), 16) >= 0) {
                at++;
            }
            return finishNumber(start);
        }
        while (at < src.length() && Character.isDigit(src.charAt(at))) {
            at++;
        }
        // A duration: digits directly followed by a unit letter, possibly repeated (1h30m).
        if (at < src.length() && "smhdwy".indexOf(src.charAt(at)) >= 0) {
            int end = at;
            while (end < src.length() && (Character.isLetterOrDigit(src.charAt(end)))) {
                end++;
            }
            final String text = src.substring(start, end);
            if (Durations.isDuration(text)) {
                at = end;
                return new Token(Kind.DURATION, text, start);
            }
            throw new ParseException(src, start, "bad number or duration syntax: \"" + text + "\"");
        }
        if (at < src.length() && src.charAt(at) == '.') {
            at++;
            while (at < src.length() && Character.isDigit(src.charAt(at))) {
                at++;
            }
        }
        if (at < src.length() && (src.charAt(at) == 'e' || src.charAt(at) == 'E')) {
            int e = at + 1;
            if (e < src.length() && (src.charAt(e) == '+' || src.charAt(e) == '-')) {
                e++;
            }
            if (e < src.length() && Character.isDigit(src.charAt(e))) {
                at = e;
                while (at < src.length() && Character.isDigit(src.charAt(at))) {
                    at++;
                }
            }
        }
        return finishNumber(start);
    }

    private Token finishNumber(final int start) throws ParseException {
        if (at < src.length() && (isIdentPart(src.charAt(at)) || src.charAt(at) == '.')) {
            int end = at;
            while (end < src.length() && (isIdentPart(src.charAt(end)) || src.charAt(end) == '.')) {
                end++;
            }
            throw new ParseException(src, start, "bad number or duration syntax: \"" + src.substring(start, end)
                + "\"");
        }
        return new Token(Kind.NUMBER, src.substring(start, at), start);
    }

    private Token string(final int start, final char quote) throws ParseException {
        at++;
        final StringBuilder sb = new StringBuilder();
        while (true) {
            if (at >= src.length()) {
                throw new ParseException(src, start, "unterminated quoted string");
            }
            final char c = src.charAt(at++);
            if (c == quote) {
                return new Token(Kind.STRING, sb.toString(), start);
            }
            if (quote != '`' && c == '\n') {
                throw new ParseException(src, start, "unterminated quoted string");
            }
            if (c == '\\' && quote != '`') {
                escape(sb, quote);
            } else {
                sb.append(c);
            }
        }
    }

    private void escape(final StringBuilder sb, final char quote) throws ParseException {
        if (at >= src.length()) {
            throw new ParseException(src, at, "unterminated quoted string");
        }
        final int escAt = at - 1;
        final char e = src.charAt(at++);
        switch (e) {
            case 'a' -> sb.append('\u0007');
            case 'b' -> sb.append('\b');
            case 'f' -> sb.append('\f');
            case 'n' -> sb.append('\n');
            case 'r' -> sb.append('\r');
            case 't' -> sb.append('\t');
            case 'v' -> sb.append('\u000b');
            case '\\' -> sb.append('\\');
            case 'x' -> sb.appendCodePoint(hex(2, escAt));
            case 'u' -> sb.appendCodePoint(hex(4, escAt));
            case 'U' -> sb.appendCodePoint(hex(8, escAt));
            case '0', '1', '2', '3', '4', '5', '6', '7' -> {
                if (at + 2 > src.length()) {
                    throw new ParseException(src, escAt, "invalid escape sequence");
                }
                final String oct = src.substring(at - 1, at + 2);
                for (int i = 0; i < 3; i++) {
                    if (oct.charAt(i) < '0' || oct.charAt(i) > '7') {
                        throw new ParseException(src, escAt, "invalid escape sequence");
                    }
                }
                at += 2;
                sb.append((char) Integer.parseInt(oct, 8));
            }
            default -> {
                if (e == quote) {
                    sb.append(e);
                } else {
                    throw new ParseException(src, escAt, "unknown escape sequence " + quoteChar(e));
                }
            }
        }
    }

    private int hex(final int digits, final int escAt) throws ParseException {
        if (at + digits > src.length()) {
            throw new ParseException(src, escAt, "invalid escape sequence");
        }
        int v = 0;
        for (int i = 0; i < digits; i++) {
            final int d = Character.digit(src.charAt(at + i), 16);
            if (d < 0) {
                throw new ParseException(src, escAt, "invalid escape sequence");
            }
            v = v * 16 + d;
        }
        at += digits;
        if (!Character.isValidCodePoint(v)) {
            throw new ParseException(src, escAt, "invalid escape sequence");
        }
        return v;
    }

    static boolean isIdentStart(final char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == ':';
    }

    static boolean isIdentPart(final char c) {
        return isIdentStart(c) || c >= '0' && c <= '9';
    }
}
