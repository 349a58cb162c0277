package io.metricstream.runtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.handler.codec.http.HttpMethod;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RouterTest {
    private static final HttpHandler A = ex -> { };
    private static final HttpHandler B = ex -> { };
    private static final HttpHandler C = ex -> { };
    private static final HttpHandler D = ex -> { };

    private final Router router = new Router()
        .get("/api/v1/query", A)
        .post("/api/v1/query", A)
        .get("/api/v1/label/{name}/values", B)
        .get("/api/v1/label/__name__/values", C)
        .get("/ui/*", D)
        .get("/", D);

    private void f(HttpMethod method, String path, HttpHandler want, Map<String, String> params) {
        final Router.Match m = router.match(method, path);
        assertEquals(want, m.found() ? m.route().handler() : null, method + " " + path);
        assertEquals(params, m.pathParams(), method + " " + path);
    }

    @Test
    void shouldMatchRoutesWhenPathsAndMethodsFit() {
        f(HttpMethod.GET, "/api/v1/query", A, Map.of());
        f(HttpMethod.POST, "/api/v1/query", A, Map.of());
        f(HttpMethod.GET, "/api/v1/label/job/values", B, Map.of("name", "job"));
        f(HttpMethod.GET, "/api/v1/label/a%20b/values", B, Map.of("name", "a b"));
        f(HttpMethod.GET, "/api/v1/label/__name__/values", C, Map.of());
        f(HttpMethod.GET, "/ui/static/app.js", D, Map.of("*", "static/app.js"));
        f(HttpMethod.GET, "/ui", D, Map.of("*", ""));
        f(HttpMethod.GET, "/", D, Map.of());
        f(HttpMethod.GET, "/api/v1/quer", null, Map.of());
        f(HttpMethod.GET, "/api/v1/label//values", null, Map.of());
        f(HttpMethod.GET, "/api/v1/query/", null, Map.of());
    }

    @Test
    void shouldReportAllowedMethodsWhenMethodDoesNotMatch() {
        final Router.Match m = router.match(HttpMethod.DELETE, "/api/v1/query");
        assertFalse(m.found());
        assertEquals(Set.of(HttpMethod.GET, HttpMethod.POST), m.allowedMethods());
        assertEquals(Set.of(), router.match(HttpMethod.GET, "/nope").allowedMethods());
    }

    @Test
    void shouldRejectRouteWhenRegisteredTwiceOrMalformed() {
        assertThrows(IllegalArgumentException.class, () -> router.get("/api/v1/query", A));
        assertThrows(IllegalArgumentException.class, () -> router.get("no-slash", A));
        assertThrows(IllegalArgumentException.class, () -> router.get("/a/*/b", A));
    }
}
