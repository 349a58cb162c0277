package io.metricstream.runtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.metricstream.testsupport.Seeds;
import io.netty.handler.codec.http.HttpMethod;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
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

    @Test
    void shouldPreferExactRouteWhenPrefixOrParameterRouteAlsoMatches() {
        final Router r = new Router()
            .post("/api/v1/write/*", A)
            .post("/api/{v}/write", B)
            .post("/api/v1/write", C)
            .get("/api/v1/write", D);
        assertEquals(C, r.match(HttpMethod.POST, "/api/v1/write").route().handler());
        assertEquals(D, r.match(HttpMethod.GET, "/api/v1/write").route().handler());
        assertEquals(B, r.match(HttpMethod.POST, "/api/v2/write").route().handler());
        assertEquals(Set.of(HttpMethod.POST, HttpMethod.GET), r.match(HttpMethod.PUT, "/api/v1/write")
            .allowedMethods());
    }

    @Test
    void shouldMatchAsTheFullScanDoesWhenPathsAreRandom() {
        final long seed = Seeds.seed();
        final SplittableRandom random = new SplittableRandom(seed);
        final List<String> segments = List.of("a", "b", "{p}", "*", "", "a%20");
        final List<HttpMethod> methods = List.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT);
        for (int round = 0; round < 200; round++) {
            final Router r = new Router();
            for (int i = 0; i < 6; i++) {
                final String pattern = randomPath(random, segments);
                try {
                    r.route(methods.get(random.nextInt(methods.size())), pattern, A);
                } catch (IllegalArgumentException duplicateOrMisplacedStar) {
                    // the generator makes some invalid patterns; the router refuses them
                }
            }
            for (int i = 0; i < 20; i++) {
                final String path = randomPath(random, List.of("a", "b", "", "c", "a%20"));
                final HttpMethod method = methods.get(random.nextInt(methods.size()));
                final Router.Match fast = r.match(method, path);
                final Router.Match scan = r.scan(method, path);
                final String where = "seed=" + seed + " " + method + " " + path + " routes=" + r.routes();
                assertEquals(scan.route(), fast.route(), where);
                assertEquals(scan.pathParams(), fast.pathParams(), where);
                assertEquals(scan.allowedMethods(), fast.allowedMethods(), where);
            }
        }
    }

    private static String randomPath(SplittableRandom random, List<String> segments) {
        final StringBuilder sb = new StringBuilder();
        final int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
            sb.append('/').append(segments.get(random.nextInt(segments.size())));
        }
        return sb.isEmpty() ? "/" : sb.toString();
    }
}
