package io.metricstream.contracts.storage;

import java.util.Collections;
import java.util.HashSet;
import java.util.Set;

/**
 * A fully anchored, {@code DOTALL} regex of a shape that needs no regex engine, as Prometheus's FastRegexMatcher:
 * a literal ({@code abc}), a literal between optional {@code .*} / {@code .+} ({@code h1.*}, {@code .*err.*},
 * {@code .+x}), or an alternation of literals ({@code a|b|c}). Literals are ASCII letters, digits and the
 * punctuation that is not a regex operator, or a backslash before any ASCII punctuation ({@code 10\.0}); anything
 * else (groups, classes, quantifiers on a literal, non-ASCII) is left to {@link java.util.regex.Pattern}.
 * {@link #matches} equals {@code Pattern.compile("^(?:" + regex + ")$", DOTALL).matcher(v).matches()}.
 * Immutable.
 */
public final class LiteralRegex {
    // ASCII characters that stand for themselves in a Java regex (outside a character class)
    private static final String PLAIN = "_-:/=,@%!;<>'\"~`#& ";

    private enum Wildcard {
        NONE, ANY, SOME
    }

    private final Wildcard head;
    private final String literal;
    private final Wildcard tail;
    // alternation of literals, else null
    private final Set<String> oneOf;
    // every value matched when finitely many (oneOf, or the literal without wildcards), else null
    private final Set<String> literals;

    private LiteralRegex(final Wildcard head, final String literal, final Wildcard tail, final Set<String> oneOf) {
        this.head = head;
        this.literal = literal;
        this.tail = tail;
        this.oneOf = oneOf;
        this.literals = oneOf != null ? oneOf : head == Wildcard.NONE && tail == Wildcard.NONE ? Set.of(literal) : null;
    }

    /** The fast matcher for {@code regex}, or {@code null} when it is not one of the shapes above. */
    public static LiteralRegex of(final String regex) {
        if (regex.indexOf('|') < 0) {
            return single(regex);
        }
        final Set<String> oneOf = new HashSet<>();
        int from = 0;
        for (int i = 0; i <= regex.length(); i++) {
            if (i < regex.length() && regex.charAt(i) == '\\') {
                i++;
            } else if (i == regex.length() || regex.charAt(i) == '|') {
                final String literal = literal(regex, from, i);
                if (literal == null) {
                    return null;
                }
                oneOf.add(literal);
                from = i + 1;
            }
        }
        return new LiteralRegex(Wildcard.NONE, null, Wildcard.NONE, Collections.unmodifiableSet(oneOf));
    }

    private static LiteralRegex single(final String regex) {
        int from = 0;
        int to = regex.length();
        final Wildcard head = wildcardAt(regex, 0);
        if (head != Wildcard.NONE) {
            from = 2;
        }
        Wildcard tail = Wildcard.NONE;
        // a trailing ".*" is a wildcard only when its '.' is not escaped: literal() rejects a lone '.', so an
        // unescaped '.' here cannot be the second half of an escape that literal() would accept
        if (to - from >= 2 && wildcardAt(regex, to - 2) != Wildcard.NONE && !escaped(regex, from, to - 2)) {
            tail = wildcardAt(regex, to - 2);
            to -= 2;
        }
        final String literal = literal(regex, from, to);
        if (literal == null || literal.isEmpty() && head == Wildcard.SOME && tail == Wildcard.SOME) {
            // ".+.+" wants two code points, not two chars: left to the engine
            return null;
        }
        return new LiteralRegex(head, literal, tail, null);
    }

    private static Wildcard wildcardAt(final String regex, final int at) {
        if (at + 2 > regex.length() || regex.charAt(at) != '.') {
            return Wildcard.NONE;
        }
        return switch (regex.charAt(at + 1)) {
            case '*' -> Wildcard.ANY;
            case '+' -> Wildcard.SOME;
            default -> Wildcard.NONE;
        };
    }

    /** Whether the character at {@code at} follows an odd run of backslashes starting at or after {@code from}. */
    private static boolean escaped(final String regex, final int from, final int at) {
        int slashes = 0;
        for (int i = at - 1; i >= from && regex.charAt(i) == '\\'; i--) {
            slashes++;
        }
        return (slashes & 1) == 1;
    }

    /** The text {@code regex[from, to)} matches when it is a plain literal, else {@code null}. */
    private static String literal(final String regex, final int from, final int to) {
        final StringBuilder out = new StringBuilder(to - from);
        for (int i = from; i < to; i++) {
            final char c = regex.charAt(i);
            if (c == '\\') {
                if (i + 1 >= to || !punctuation(regex.charAt(i + 1))) {
                    return null;
                }
                out.append(regex.charAt(++i));
            } else if (c < 0x80 && (Character.isLetterOrDigit(c) || PLAIN.indexOf(c) >= 0)) {
                out.append(c);
            } else {
                return null;
            }
        }
        return out.toString();
    }

    private static boolean punctuation(final char c) {
        return c > ' ' && c < 0x7f && !Character.isLetterOrDigit(c);
    }

    /**
     * Every value the regex matches, when they are finitely many: the literals of an alternation ({@code a|b|c}) or
     * the one literal without wildcards ({@code abc}); {@code null} for a regex with a wildcard. An index can then
     * look each value up instead of testing every value it holds.
     *
     * @return an unmodifiable set, or {@code null}
     */
    public Set<String> literals() {
        return literals;
    }

    /** Whether {@code value} matches the whole regex. */
    public boolean matches(final String value) {
        if (oneOf != null) {
            return oneOf.contains(value);
        }
        final int n = literal.length();
        final int len = value.length();
        if (head == Wildcard.NONE) {
            return value.startsWith(literal) && switch (tail) {
                case NONE -> len == n;
                case ANY -> true;
                case SOME -> len > n;
            };
        }
        final int minStart = head == Wildcard.SOME ? 1 : 0;
        // also keeps indexOf from clamping a start past the end (it finds "" at the end there)
        if (len < minStart + n) {
            return false;
        }
        return switch (tail) {
            case NONE -> value.endsWith(literal) && len - n >= minStart;
            case ANY -> value.indexOf(literal, minStart) >= 0;
            case SOME -> {
                // the first occurrence ends earliest: if it leaves no character after it, none does
                final int at = value.indexOf(literal, minStart);
                yield at >= 0 && at + n < len;
            }
        };
    }
}
