package io.metricstream.runtime.http;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Reads the path and one query argument of a request target the way {@link QueryStringDecoder} does, without its
 * maps and lists when the target needs no decoding: no {@code %}, {@code +}, {@code ;} or {@code #} in the query and
 * no {@code %} in the path. Any other target answers {@link #DECODE} for the caller to use the decoder, so the
 * results are always the decoder's (RequestTargetTest compares both on random targets). Stateless.
 */
final class RequestTarget {
    /** Returned by {@link #firstQueryParam} when the target needs {@link QueryStringDecoder}; compare by identity. */
    static final String DECODE = new String("<decode>");
    // QueryStringDecoder's default bound on the parameters it reads
    private static final int MAX_PARAMS = 1024;

    private RequestTarget() {
    }

    /** The decoded path of {@code uri}: {@code new QueryStringDecoder(uri).path()}. */
    static String path(String uri) {
        final int n = uri.length();
        for (int i = 0; i < n; i++) {
            final char c = uri.charAt(i);
            if (c == '?' || c == '#') {
                return uri.substring(0, i);
            }
            if (c == '%') {
                return new QueryStringDecoder(uri, StandardCharsets.UTF_8).path();
            }
        }
        return uri;
    }

    /**
     * The first value of query argument {@code name} in {@code uri}, null when absent, or {@link #DECODE} when the
     * target has escapes or separators this scan leaves to {@link QueryStringDecoder}.
     */
    static String firstQueryParam(String uri, String name) {
        if (uri.indexOf('#') >= 0) {
            return DECODE;
        }
        final int q = uri.indexOf('?');
        if (q < 0) {
            return null;
        }
        final int n = uri.length();
        for (int i = q + 1; i < n; i++) {
            final char c = uri.charAt(i);
            if (c == '%' || c == '+' || c == ';' || c == '#' || c == '?') {
                return DECODE;
            }
        }
        int params = 0;
        int start = q + 1;
        while (start <= n) {
            int end = uri.indexOf('&', start);
            if (end < 0) {
                end = n;
            }
            if (end > start) {
                if (uri.charAt(start) == '=') {
                    return DECODE;
                }
                if (++params > MAX_PARAMS) {
                    return DECODE;
                }
                int eq = uri.indexOf('=', start);
                if (eq < 0 || eq > end) {
                    eq = end;
                }
                if (eq - start == name.length() && uri.regionMatches(start, name, 0, name.length())) {
                    return eq == end ? "" : uri.substring(eq + 1, end);
                }
            }
            start = end + 1;
        }
        return null;
    }
}
