package io.metricstream.runtime.http;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Maps (method, path) to handlers. Patterns are literal segments, {@code {name}} parameters matching one segment
 * ({@code /api/v1/label/{name}/values}) and a trailing {@code *} matching the rest ({@code /ui/*}, available as
 * {@code pathParam("*")}). The most specific match wins: more literal segments first, then fewer wildcards.
 * A path that matches no pattern is 404; one that matches only under other methods is 405. Routes are registered
 * before the server starts; lookups are then read-only and thread-safe.
 *
 * <p>Design note: a route without parameters or {@code *} is also indexed by its exact path, with its {@link Match}
 * built once: such a route is the most specific match of its path for its method, so a hit answers without
 * splitting the path or allocating (the ingest and health routes). Every other lookup scans the routes.
 */
public final class Router {
    private final List<Route> routes = new ArrayList<>();
    // path -> the prebuilt matches of the exact routes on that path, one per method (few methods per path)
    private final Map<String, Match[]> exact = new HashMap<>();

    /**
     * A registered route.
     *
     * @param method   the HTTP method
     * @param pattern  the path pattern
     * @param segments the pattern split on '/'
     * @param handler  the handler
     */
    public record Route(HttpMethod method, String pattern, List<String> segments, HttpHandler handler) {
        boolean prefix() {
            return !segments.isEmpty() && segments.getLast().equals("*");
        }

        int literalCount() {
            int n = 0;
            for (String s : segments) {
                if (!s.startsWith("{") && !s.equals("*")) {
                    n++;
                }
            }
            return n;
        }
    }

    /**
     * The result of a lookup.
     *
     * @param route          the matched route, or null
     * @param pathParams     decoded path parameters of the match
     * @param allowedMethods for a 405: the methods the path has; empty for a 404
     */
    public record Match(Route route, Map<String, String> pathParams, Set<HttpMethod> allowedMethods) {
        /** True when a route matched. */
        public boolean found() {
            return route != null;
        }
    }

    /** Registers {@code handler} for GET {@code pattern}. */
    public Router get(String pattern, HttpHandler handler) {
        return route(HttpMethod.GET, pattern, handler);
    }

    /** Registers {@code handler} for POST {@code pattern}. */
    public Router post(String pattern, HttpHandler handler) {
        return route(HttpMethod.POST, pattern, handler);
    }

    /** Registers {@code handler} for {@code method} {@code pattern}; a duplicate is a programming error. */
    public Router route(HttpMethod method, String pattern, HttpHandler handler) {
        if (!pattern.startsWith("/")) {
            throw new IllegalArgumentException("route pattern must start with /: got \"" + pattern + "\"");
        }
        final List<String> segments = split(pattern);
        for (int i = 0; i < segments.size() - 1; i++) {
            if (segments.get(i).equals("*")) {
                throw new IllegalArgumentException("* must be the last segment: got \"" + pattern + "\"");
            }
        }
        for (Route r : routes) {
            if (r.method().equals(method) && r.segments().equals(segments)) {
                throw new IllegalArgumentException("route " + method + " " + pattern + " registered twice");
            }
        }
        final Route route = new Route(method, pattern, segments, handler);
        routes.add(route);
        if (isExact(segments)) {
            final Match[] old = exact.getOrDefault(pattern, new Match[0]);
            final Match[] grown = Arrays.copyOf(old, old.length + 1);
            grown[old.length] = new Match(route, Map.of(), Set.of());
            exact.put(pattern, grown);
        }
        return this;
    }

    /** Every route, in registration order. */
    public List<Route> routes() {
        return Collections.unmodifiableList(routes);
    }

    /** Finds the route for {@code method} and {@code path} (the path only, no query string). */
    public Match match(HttpMethod method, String path) {
        final Match[] byMethod = exact.get(path);
        if (byMethod != null) {
            for (Match m : byMethod) {
                if (m.route().method().equals(method)) {
                    return m;
                }
            }
        }
        return scan(method, path);
    }

    /** The lookup by scanning every route, without the exact-path index (package-private for tests). */
    Match scan(HttpMethod method, String path) {
        final List<String> parts = split(path);
        Route best = null;
        Map<String, String> bestParams = null;
        final Set<HttpMethod> allowed = new LinkedHashSet<>();
        for (Route r : routes) {
            final Map<String, String> params = bind(r, parts);
            if (params == null) {
                continue;
            }
            allowed.add(r.method());
            if (r.method().equals(method) && (best == null || moreSpecific(r, best))) {
                best = r;
                bestParams = params;
            }
        }
        if (best != null) {
            return new Match(best, bestParams, Set.of());
        }
        return new Match(null, Map.of(), allowed);
    }

    private static boolean isExact(List<String> segments) {
        for (String s : segments) {
            if (s.startsWith("{") || s.equals("*")) {
                return false;
            }
        }
        return true;
    }

    private static boolean moreSpecific(Route a, Route b) {
        if (a.literalCount() != b.literalCount()) {
            return a.literalCount() > b.literalCount();
        }
        return !a.prefix() && b.prefix();
    }

    private static Map<String, String> bind(Route r, List<String> parts) {
        final List<String> segs = r.segments();
        final boolean prefix = r.prefix();
        final int fixed = prefix ? segs.size() - 1 : segs.size();
        if (prefix ? parts.size() < fixed : parts.size() != fixed) {
            return null;
        }
        Map<String, String> params = null;
        for (int i = 0; i < fixed; i++) {
            final String s = segs.get(i);
            final String p = parts.get(i);
            if (s.startsWith("{") && s.endsWith("}")) {
                if (p.isEmpty()) {
                    return null;
                }
                if (params == null) {
                    params = new LinkedHashMap<>();
                }
                params.put(s.substring(1, s.length() - 1), QueryStringDecoder.decodeComponent(p,
                    StandardCharsets.UTF_8));
            } else if (!s.equals(p)) {
                return null;
            }
        }
        if (prefix) {
            if (params == null) {
                params = new LinkedHashMap<>();
            }
            params.put("*", String.join("/", parts.subList(fixed, parts.size())));
        }
        return params == null ? Map.of() : params;
    }

    private static List<String> split(String path) {
        final List<String> out = new ArrayList<>();
        int start = 1;
        for (int i = 1; i <= path.length(); i++) {
            if (i == path.length() || path.charAt(i) == '/') {
                out.add(path.substring(start, i));
                start = i + 1;
            }
        }
        return out;
    }
}
