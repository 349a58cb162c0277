package io.metricstream.contracts.storage;

import io.metricstream.contracts.wire.WireReader;
import io.metricstream.contracts.wire.WireWriter;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A label matcher with Prometheus semantics: {@code =}, {@code !=}, {@code =~}, {@code !~}. Regexes are
 * fully anchored ({@code ^(?:re)$}); an absent label matches as the empty string, so {@code {a=""}} selects
 * series without label {@code a} and {@code {a=~".*"}} matches every series.
 * <pre>
 * wire: int8 type (0 EQ, 1 NEQ, 2 RE, 3 NRE), string16 name, string16 value
 * list: int8 count (0 ..= 64), then count matchers
 * </pre>
 *
 * @param type matcher type
 * @param name label name
 * @param value value or regex source
 * @param pattern compiled anchored regex for RE/NRE, else {@code null}
 * @param fast the regex matched without the regex engine when it has a {@link LiteralRegex} shape, else
 *     {@code null}
 */
public record LabelMatcher(Type type, String name, String value, Pattern pattern, LiteralRegex fast) {
    /** Largest number of matchers in one request. */
    public static final int MAX_MATCHERS = 64;

    /** Matcher types in wire order. */
    public enum Type {
        /** {@code =} */
        EQ("="),
        /** {@code !=} */
        NEQ("!="),
        /** {@code =~} */
        RE("=~"),
        /** {@code !~} */
        NRE("!~");

        private final String symbol;

        Type(final String symbol) {
            this.symbol = symbol;
        }

        /** The PromQL operator. */
        public String symbol() {
            return symbol;
        }
    }

    /**
     * Builds a matcher, compiling regexes.
     *
     * @throws PatternSyntaxException when a regex does not compile
     */
    public static LabelMatcher of(final Type type, final String name, final String value) {
        final Pattern p = type == Type.RE || type == Type.NRE ? Pattern.compile("^(?:" + value + ")$", Pattern.DOTALL)
            : null;
        return new LabelMatcher(type, name, value, p, p == null ? null : LiteralRegex.of(value));
    }

    /** {@code name="value"}. */
    public static LabelMatcher eq(final String name, final String value) {
        return of(Type.EQ, name, value);
    }

    /** Whether a label value ({@code null} = absent = "") matches. */
    public boolean matches(final String labelValue) {
        final String v = labelValue == null ? "" : labelValue;
        return switch (type) {
            case EQ -> v.equals(value);
            case NEQ -> !v.equals(value);
            case RE -> regexMatches(v);
            case NRE -> !regexMatches(v);
        };
    }

    private boolean regexMatches(final String v) {
        return fast != null ? fast.matches(v) : pattern.matcher(v).matches();
    }

    /** Whether the matcher matches the empty string (then it also selects series lacking the label). */
    public boolean matchesEmpty() {
        return matches("");
    }

    @Override
    public String toString() {
        return name + type.symbol + '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    /** Writes a matcher list. */
    public static void encodeList(final ByteBuf out, final List<LabelMatcher> matchers) {
        out.writeByte(matchers.size());
        for (final LabelMatcher m : matchers) {
            out.writeByte(m.type.ordinal());
            WireWriter.string16(out, m.name);
            WireWriter.string16(out, m.value);
        }
    }

    /** Decodes a matcher list; {@code null} when malformed or a regex does not compile. */
    public static List<LabelMatcher> decodeList(final WireReader r) {
        final int count = r.int8("matcherCount");
        if (count < 0 || count > MAX_MATCHERS) {
            r.fail("bad matcher count " + count + "; want 0..64");
            return null;
        }
        final List<LabelMatcher> matchers = new ArrayList<>(count);
        for (int i = 0; i < count && r.ok(); i++) {
            final int type = r.int8("matcher type");
            final String name = r.string16("matcher name");
            final String value = r.string16("matcher value");
            if (!r.ok()) {
                return null;
            }
            if (type < 0 || type > 3) {
                r.fail("bad matcher type " + type);
                return null;
            }
            try {
                matchers.add(of(Type.values()[type], name, value));
            } catch (final PatternSyntaxException e) {
                r.fail("bad regex for " + name + ": " + e.getDescription());
                return null;
            }
        }
        return r.ok() ? matchers : null;
    }
}
