package io.metricstream.loadgen.verify;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.metricstream.contracts.model.LabelSet;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * Reads raw samples through the Prometheus HTTP API of a query service: an instant query of a range selector,
 * {@code {__name__="m"}[Nms]} at time {@code maxMs}, answers a matrix of the raw samples in the window, with
 * their exact timestamps and values (Go's shortest round-trip formatting, so parsing restores the exact double;
 * NaN payloads other than the canonical NaN cannot be told apart). Long ranges are read in windows of
 * {@code windowMs}. Works against MetricStream's query service, Prometheus and VictoriaMetrics.
 */
public final class PromQueryReader implements SampleReader {
    private static final JsonFactory JSON = new JsonFactory();

    private final String baseUrl;
    private final long windowMs;
    private final HttpClient http;
    private final Duration requestTimeout;

    /** A reader of {@code baseUrl} (e.g. {@code http://127.0.0.1:9090}) in windows of {@code windowMs}. */
    public PromQueryReader(final String baseUrl, final long windowMs, final Duration requestTimeout) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.windowMs = Math.max(1, windowMs);
        this.requestTimeout = requestTimeout;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @Override
    public void read(final String metricName, final long minMs, final long maxMs, final SampleVisitor visitor)
        throws IOException {
        // Windows are (from, to]; the first starts one ms before minMs so minMs is included whatever the
        // server's convention for the left edge ([t-r, t] before Prometheus 3, (t-r, t] after).
        long to = maxMs;
        while (to >= minMs) {
            final long from = Math.max(minMs - 1, to - windowMs);
            readWindow(metricName, from, to, visitor);
            to = from;
        }
    }

    private void readWindow(final String metric, final long fromExclusive, final long to, final SampleVisitor visitor)
        throws IOException {
        final String query = "{__name__=\"" + metric + "\"}[" + (to - fromExclusive) + "ms]";
        final String url = baseUrl + "/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8)
            + "&time=" + seconds(to);
        final HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(requestTimeout).GET().build();
        final HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted querying " + url, e);
        }
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                final String text = new String(body.readNBytes(500), StandardCharsets.UTF_8);
                throw new IOException("query " + url + " answered " + response.statusCode() + ": " + text);
            }
            parse(body, fromExclusive, to, visitor);
        }
    }

    static String seconds(final long ms) {
        if (ms < 0) {
            return "-" + seconds(-ms);
        }
        return String.format(Locale.ROOT, "%d.%03d", ms / 1000, ms % 1000);
    }

    /** Walks {@code data.result[]}: {@code metric} labels, then {@code values} pairs. */
    static void parse(final InputStream in, final long fromExclusive, final long to, final SampleVisitor visitor)
        throws IOException {
        try (JsonParser p = JSON.createParser(in)) {
            while (p.nextToken() != null) {
                if (p.currentToken() == JsonToken.FIELD_NAME && "result".equals(p.currentName())
                    && p.nextToken() == JsonToken.START_ARRAY) {
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        readSeries(p, fromExclusive, to, visitor);
                    }
                    return;
                }
            }
        }
    }

    private static void readSeries(final JsonParser p, final long fromExclusive, final long to,
                                   final SampleVisitor visitor) throws IOException {
        LabelSet labels = LabelSet.EMPTY;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            final String field = p.currentName();
            p.nextToken();
            if ("metric".equals(field)) {
                final LabelSet.Builder b = LabelSet.builder();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    final String name = p.currentName();
                    p.nextToken();
                    b.add(name, p.getText());
                }
                labels = b.build();
            } else if ("values".equals(field)) {
                while (p.nextToken() == JsonToken.START_ARRAY) {
                    p.nextToken();
                    final long ts = new BigDecimal(p.getText()).movePointRight(3).longValueExact();
                    p.nextToken();
                    final long bits = Double.doubleToRawLongBits(parseValue(p.getText()));
                    p.nextToken();
                    if (ts > fromExclusive && ts <= to) {
                        visitor.onSample(labels, ts, bits);
                    }
                }
            } else {
                p.skipChildren();
            }
        }
    }

    static double parseValue(final String text) {
        return switch (text) {
            case "NaN" -> Double.NaN;
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(text);
        };
    }
}
