package io.metricstream.contracts.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class JsonErrorBodyTest {
    private static void f(final byte[] actual, final String expected) {
        assertEquals(expected, new String(actual, StandardCharsets.UTF_8));
    }

    @Test
    void shouldWriteAllKeysWhenErrorHasFieldIndexAndLine() {
        f(JsonErrorBody.badData(new ParseError(3, 4, "labels.host", "got label name twice; want it once")),
            "{\"error\":{\"code\":\"bad_data\",\"message\":\"labels.host: got label name twice; want it once "
                + "(index=3 line=4)\",\"field\":\"labels.host\",\"index\":3,\"line\":4}}");
    }

    @Test
    void shouldWriteReasonLastWhenOneIsGiven() {
        f(JsonErrorBody.write("bad_data", "line 2: value: got \"x\"; want a number", "value", -1, 2,
                "got \"x\"; want a number"),
            "{\"error\":{\"code\":\"bad_data\",\"message\":\"line 2: value: got \\\"x\\\"; want a number\","
                + "\"field\":\"value\",\"line\":2,\"reason\":\"got \\\"x\\\"; want a number\"}}");
    }

    @Test
    void shouldOmitKeysWhenFieldIndexOrLineAreAbsent() {
        f(JsonErrorBody.badData(new ParseError(ParseError.NO_INDEX, 1, null, "got empty body; want json")),
            "{\"error\":{\"code\":\"bad_data\",\"message\":\"got empty body; want json (line=1)\",\"line\":1}}");
        f(JsonErrorBody.write("payload_too_large", "body of 9 MiB; want <= 8 MiB", null, -1, 0),
            "{\"error\":{\"code\":\"payload_too_large\",\"message\":\"body of 9 MiB; want <= 8 MiB\"}}");
        f(JsonErrorBody.write("bad_data", "m", "value", 0, 0),
            "{\"error\":{\"code\":\"bad_data\",\"message\":\"m\",\"field\":\"value\",\"index\":0}}");
    }

    @Test
    void shouldEscapeTextWhenMessageHasQuotesControlOrNonAsciiChars() {
        f(JsonErrorBody.write("bad_data", "got \"a\\b\"\n\u00e9\ud800", "labels.\u6f22", -1, 0),
            "{\"error\":{\"code\":\"bad_data\",\"message\":\"got \\\"a\\\\b\\\"\\n\\u00E9\\uD800\","
                + "\"field\":\"labels.\\u6F22\"}}");
    }
}
