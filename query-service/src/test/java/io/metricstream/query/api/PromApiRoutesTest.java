package io.metricstream.query.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.query.QueryServer;
import io.metricstream.query.remote.InMemorySeriesSource;
import io.metricstream.testsupport.HttpProbe;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Tag("integration")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PromApiRoutesTest {
    @TempDir
    static Path dir;
    private static QueryServer server;

    @BeforeAll
    static void start() throws Exception {
        final InMemorySeriesSource src = new InMemorySeriesSource();
        for (int i = 0; i <= 10; i++) {
            src.add(LabelSet.of("__name__", "up", "job", "api", "instance", "a"), i * 60_000L, 1);
            src.add(LabelSet.of("__name__", "up", "job", "db", "instance", "b"), i * 60_000L, 0);
            src.add(LabelSet.of("__name__", "reqs", "job", "api"), i * 60_000L, i * 0.5);
        }
        server = new QueryServer(src, dir, Map.of());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpProbe.Response get(final String path) {
        return HttpProbe.get(server.base() + path);
    }

    private static String enc(final String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Test
    void shouldAnswerVectorShapeWhenInstantQuery() {
        final HttpProbe.Response r = get("/api/v1/query?query=" + enc("up{job=\"api\"}") + "&time=120");
        assertEquals(200, r.status(), r.body());
        assertEquals("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":"
            + "{\"__name__\":\"up\",\"instance\":\"a\",\"job\":\"api\"},\"value\":[120,\"1\"]}]}}", r.body());
    }

    @Test
    void shouldAnswerScalarAndStringShapesWhenLiterals() {
        assertEquals("{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1.500,\"+Inf\"]}}",
            get("/api/v1/query?query=" + enc("1/0") + "&time=1.5").body());
        assertEquals("{\"status\":\"success\",\"data\":{\"resultType\":\"string\",\"result\":[2,\"a\\\"b\"]}}",
            get("/api/v1/query?query=" + enc("\"a\\\"b\"") + "&time=2").body());
    }

    @Test
    void shouldAnswerMatrixShapeWhenRangeQuery() {
        final HttpProbe.Response r = get("/api/v1/query_range?query=reqs&start=0&end=120&step=1m");
        assertEquals(200, r.status(), r.body());
        assertEquals("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":"
            + "{\"__name__\":\"reqs\",\"job\":\"api\"},\"values\":[[0,\"0\"],[60,\"0.5\"],[120,\"1\"]]}]}}", r.body());
    }

    @Test
    void shouldAcceptRfc3339AndFloatStepWhenRangeQuery() {
        final HttpProbe.Response r = get("/api/v1/query_range?query=reqs&start=1970-01-01T00:00:00Z"
            + "&end=1970-01-01T00:01:00.000Z&step=30.5");
        assertEquals(200, r.status(), r.body());
        assertTrue(r.body().contains("[30.500,\"0\"]"), r.body());
    }

    @Test
    void shouldAcceptPostFormWhenQueryInBody() {
        final HttpProbe.Response r = HttpProbe.post(server.base() + "/api/v1/query",
            "application/x-www-form-urlencoded", "query=" + enc("sum(up)") + "&time=60");
        assertEquals(200, r.status(), r.body());
        assertTrue(r.body().contains("\"value\":[60,\"1\"]"), r.body());
    }

    @Test
    void shouldAnswer400BadDataWhenQueryDoesNotParse() {
        final HttpProbe.Response r = get("/api/v1/query?query=" + enc("sum(up"));
        assertEquals(400, r.status());
        assertEquals("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"invalid parameter \\\"query\\\": "
            + "1:7: parse error: unexpected end of input in aggregation, expected \\\")\\\"\"}", r.body());
    }

    @Test
    void shouldAnswer400WhenParametersAreBad() {
        assertEquals(400, get("/api/v1/query").status());
        assertEquals(400, get("/api/v1/query?query=up&time=yesterday").status());
        final HttpProbe.Response order = get("/api/v1/query_range?query=up&start=100&end=50&step=1");
        assertEquals(400, order.status());
        assertTrue(order.body().contains("end timestamp must not be before start time"), order.body());
        assertEquals(400, get("/api/v1/query_range?query=up&start=0&end=50&step=0").status());
        final HttpProbe.Response points = get("/api/v1/query_range?query=up&start=0&end=100000&step=1");
        assertEquals(400, points.status());
        assertTrue(points.body().contains("exceeded maximum resolution of 11,000 points"), points.body());
        assertEquals(400, get("/api/v1/query_range?query=" + enc("up[5m]") + "&start=0&end=60&step=1").status());
        assertEquals(400, get("/api/v1/label/1bad/values").status());
        assertEquals(400, get("/api/v1/series").status());
        assertEquals(400, get("/api/v1/query?query=up&timeout=-1s").status());
        assertEquals(200, get("/api/v1/query?query=up&timeout=30s").status());
    }

    @Test
    void shouldAnswer422ExecutionWhenManyToManyMatching() {
        final HttpProbe.Response r = get("/api/v1/query?query=" + enc("up * on() group_left up") + "&time=60");
        assertEquals(422, r.status(), r.body());
        assertTrue(r.body().startsWith("{\"status\":\"error\",\"errorType\":\"execution\""), r.body());
    }

    @Test
    void shouldListSeriesLabelsAndValuesWhenMetadataEndpoints() {
        final HttpProbe.Response series = get("/api/v1/series?match[]=" + enc("up") + "&match[]=reqs");
        assertEquals(200, series.status(), series.body());
        assertEquals("{\"status\":\"success\",\"data\":[{\"__name__\":\"reqs\",\"job\":\"api\"},"
            + "{\"__name__\":\"up\",\"instance\":\"a\",\"job\":\"api\"},"
            + "{\"__name__\":\"up\",\"instance\":\"b\",\"job\":\"db\"}]}", series.body());
        assertEquals("{\"status\":\"success\",\"data\":[\"__name__\",\"instance\",\"job\"]}",
            get("/api/v1/labels").body());
        assertEquals("{\"status\":\"success\",\"data\":[\"reqs\",\"up\"]}",
            get("/api/v1/label/__name__/values").body());
        assertEquals("{\"status\":\"success\",\"data\":[\"a\"]}",
            get("/api/v1/label/instance/values?match[]=" + enc("up{job=\"api\"}")).body());
        assertEquals("{\"status\":\"success\",\"data\":{}}", get("/api/v1/metadata").body());
        assertTrue(get("/api/v1/status/buildinfo").body().contains("\"version\":\"2.42.0\""));
    }

    @Test
    void shouldDeleteSeriesWhenAdminEndpointCalled() {
        final HttpProbe.Response r = HttpProbe.post(server.base() + "/api/v1/admin/tsdb/delete_series?match[]="
            + enc("up{job=\"db\"}"), "text/plain", "");
        assertEquals(204, r.status(), r.body());
        assertEquals("{\"status\":\"success\",\"data\":[{\"__name__\":\"up\",\"instance\":\"a\",\"job\":\"api\"}]}",
            get("/api/v1/series?match[]=up").body());
        assertEquals(204, HttpProbe.post(server.base() + "/api/v1/admin/tsdb/clean_tombstones", "text/plain", "")
            .status());
    }

    @Test
    void shouldAnswer400WhenExpressionNestedTooDeeply() {
        final String q = "(".repeat(20_000) + "1" + ")".repeat(20_000);
        final HttpProbe.Response r = HttpProbe.post(server.base() + "/api/v1/query",
            "application/x-www-form-urlencoded", "query=" + enc(q));
        assertEquals(400, r.status(), r.body());
        assertTrue(r.body().contains("nested too deeply"), r.body());
        assertEquals(200, get("/api/v1/query?query=1").status());
    }

    @Test
    void shouldServeUiPageWhenRootRequested() {
        final HttpProbe.Response r = get("/");
        assertEquals(200, r.status());
        assertTrue(r.body().contains("<title>MetricStream query</title>"));
        assertTrue(r.body().contains("api/v1/label/__name__/values"));
    }
}
