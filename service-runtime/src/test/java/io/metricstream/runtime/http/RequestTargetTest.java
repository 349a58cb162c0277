package io.metricstream.runtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.metricstream.testsupport.Seeds;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RequestTargetTest {
    private static String decoderFirst(String uri, String name) {
        final List<String> v = new QueryStringDecoder(uri, StandardCharsets.UTF_8).parameters().get(name);
        return v == null || v.isEmpty() ? null : v.getFirst();
    }

    private static void f(String uri, String name, String want) {
        assertEquals(want, RequestTarget.firstQueryParam(uri, name), uri + " " + name);
        assertEquals(want, decoderFirst(uri, name), "the decoder agrees: " + uri + " " + name);
    }

    @Test
    void shouldReadArgumentsWithoutDecoderWhenTargetIsPlain() {
        f("/write", "precision", null);
        f("/write?precision=ms", "precision", "ms");
        f("/write?db=x&precision=s&precision=ms", "precision", "s");
        f("/write?flag&precision=", "flag", "");
        f("/write?flag&precision=", "precision", "");
        f("/write?a==b", "a", "=b");
        f("/write?&&a=1&", "a", "1");
        f("/write?ab=1", "a", null);
        f("/q?match[]=up", "match[]", "up");
    }

    @Test
    void shouldLeaveTargetToDecoderWhenItHasEscapesOrOtherSeparators() {
        for (String uri : List.of("/w?a=%20", "/w?a=b+c", "/w?a=1;b=2", "/w?a=1#x", "/w#x", "/w?=a&a=1", "/w??a=1")) {
            assertSame(RequestTarget.DECODE, RequestTarget.firstQueryParam(uri, "a"), uri);
        }
    }

    @Test
    void shouldAgreeWithQueryStringDecoderWhenTargetsAreRandom() {
        final long seed = Seeds.seed();
        final SplittableRandom random = new SplittableRandom(seed);
        final String alphabet = "ab=&;%+#?/2F";
        for (int i = 0; i < 20_000; i++) {
            final StringBuilder sb = new StringBuilder("/");
            final int n = random.nextInt(14);
            for (int j = 0; j < n; j++) {
                sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            final String uri = sb.toString();
            final String where = "seed=" + seed + " uri=" + uri;
            final String path;
            try {
                path = new QueryStringDecoder(uri, StandardCharsets.UTF_8).path();
            } catch (IllegalArgumentException badEscape) {
                continue;
            }
            if (uri.indexOf('%') < 0 || uri.indexOf('%') > Math.max(uri.indexOf('?'), uri.indexOf('#'))) {
                assertEquals(path, RequestTarget.path(uri), where);
            }
            for (String name : List.of("a", "b", "ab")) {
                final String fast = RequestTarget.firstQueryParam(uri, name);
                if (fast != RequestTarget.DECODE) {
                    assertEquals(decoderFirst(uri, name), fast, where + " name=" + name);
                }
            }
        }
    }
}
