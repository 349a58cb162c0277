package io.metricstream.query.promql;

/**
 * One lexeme: its kind, its source text and its 0-based character offset in the query.
 *
 * @param kind the token kind
 * @param text the source text (for strings: the unescaped value)
 * @param pos 0-based offset of the first character
 */
public record Token(Kind kind, String text, int pos) {
    /** Token kinds. Keywords, aggregation and function names arrive as {@link #IDENT}. */
    public enum Kind {
        NUMBER("number"), DURATION("duration"), STRING("string"), IDENT("identifier"),
        LBRACE("\"{\""), RBRACE("\"}\""), LPAREN("\"(\""), RPAREN("\")\""), LBRACKET("\"[\""), RBRACKET("\"]\""),
        COMMA("\",\""), COLON("\":\""), AT("\"@\""),
        ADD("\"+\""), SUB("\"-\""), MUL("\"*\""), DIV("\"/\""), MOD("\"%\""), POW("\"^\""),
        EQLC("\"==\""), NEQ("\"!=\""), LSS("\"<\""), LTE("\"<=\""), GTR("\">\""), GTE("\">=\""),
        ASSIGN("\"=\""), EQL_REGEX("\"=~\""), NEQ_REGEX("\"!~\""), EOF("end of input");

        private final String description;

        Kind(final String description) {
            this.description = description;
        }

        /** How error messages name the kind. */
        public String description() {
            return description;
        }
    }

    /** Describes the token for "unexpected …" messages. */
    public String describe() {
        return switch (kind) {
            case NUMBER -> "number \"" + text + "\"";
            case DURATION -> "duration \"" + text + "\"";
            case STRING -> "string \"" + text + "\"";
            case IDENT -> "identifier \"" + text + "\"";
            default -> kind.description();
        };
    }
}
