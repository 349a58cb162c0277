package io.metricstream.ingestion.http;

import io.metricstream.ingestion.format.ParseError;
import java.nio.charset.StandardCharsets;

/**
 * The 400 body of a rejected request: the project's error shape plus where the problem is,
 * {@code {"error":{"code":"bad_data","message":"…","field":"…","index":3,"line":4,"reason":"…"}}} ({@code field},
 * {@code index}, {@code line} omitted when unknown). Cold path: allocates freely.
 */
final class ErrorBodies {
    private ErrorBodies() {
    }

    static byte[] badData(final ParseError e) {
        final StringBuilder sb = new StringBuilder(128 + e.reason().length());
        sb.append("{\"error\":{\"code\":\"bad_data\",\"message\":");
        string(sb, e.message());
        if (e.field() != null) {
            sb.append(",\"field\":");
            string(sb, e.field());
        }
        if (e.index() != ParseError.NONE) {
            sb.append(",\"index\":").append(e.index());
        }
        if (e.line() != ParseError.NONE) {
            sb.append(",\"line\":").append(e.line());
        }
        sb.append(",\"reason\":");
        string(sb, e.reason());
        sb.append("}}");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    static void string(final StringBuilder sb, final String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
