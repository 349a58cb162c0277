package io.metricstream.alert.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class QueryClientTest {
    private static QueryResult parse(int status, String json) {
        return QueryClient.parse(status, json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldDecodeVectorsAndScalarsWhenQuerySucceeds() {
        final QueryResult v = parse(200, "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
            + "{\"metric\":{\"__name__\":\"up\",\"job\":\"a\"},\"value\":[1.5,\"1\"]},"
            + "{\"metric\":{},\"value\":[1.5,\"+Inf\"]}]}}");
        assertNull(v.error());
        assertEquals(Map.of("__name__", "up", "job", "a"), v.series().get(0).labels());
        assertEquals(1.0, v.series().get(0).value());
        assertEquals(Double.POSITIVE_INFINITY, v.series().get(1).value());
        final QueryResult s = parse(200, "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\","
            + "\"result\":[1.5,\"NaN\"]}}");
        assertTrue(Double.isNaN(s.series().getFirst().value()));
    }

    @Test
    void shouldReportErrorWhenQueryFails() {
        assertEquals("bad_data: 1:5: parse error", parse(400,
            "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"1:5: parse error\"}").error());
        assertEquals("query service answered 502 with a non-JSON body", parse(502, "<html>").error());
        assertEquals("rule expression must return an instant vector or scalar; got matrix", parse(200,
            "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[]}}").error());
    }

    @Test
    void shouldReportUnreachableWhenNothingListens() {
        final QueryClient c = new QueryClient(HttpClient.newHttpClient(), "http://127.0.0.1:1", 2_000);
        final QueryResult r = c.query("up", 0).join();
        assertTrue(r.error().startsWith("query service unreachable at http://127.0.0.1:1/api/v1/query"), r.error());
    }
}
