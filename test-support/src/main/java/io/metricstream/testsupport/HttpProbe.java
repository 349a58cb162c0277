package io.metricstream.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A tiny blocking HTTP client for tests: get/post returning status and body. */
public final class HttpProbe {
    /** A response: status code and body as UTF-8 text. */
    public record Response(int status, String body) {
    }

    private static final HttpClient CLIENT = HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(2)).version(HttpClient.Version.HTTP_1_1).build();

    private HttpProbe() {
    }

    /** GETs {@code url}; throws {@link UncheckedIOException} when the connection fails. */
    public static Response get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build());
    }

    /** POSTs {@code body} with {@code contentType} to {@code url}. */
    public static Response post(String url, String contentType, String body) {
        return send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build());
    }

    /** GETs {@code url} and returns its status, or -1 when nothing answers (for readiness polling). */
    public static int statusOrMinusOne(String url) {
        try {
            return get(url).status();
        } catch (UncheckedIOException e) {
            return -1;
        }
    }

    private static Response send(HttpRequest request) {
        try {
            final HttpResponse<String> r = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException("request failed: " + request.uri(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted: " + request.uri(), e));
        }
    }
}
