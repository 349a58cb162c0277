package io.metricstream.loadgen.encode;

import io.metricstream.loadgen.generate.SeriesCatalog;
import java.util.Locale;

/**
 * The ingestion formats the load generator speaks over HTTP, with their default path and content type.
 */
public enum PayloadFormat {
    /** The seed's JSON, {@code POST /metrics}. */
    JSON("/metrics", "application/json", null),
    /** Influx line protocol, {@code POST /write} (VictoriaMetrics, InfluxDB with {@code ?db=}, ours). */
    LP("/write", "text/plain; charset=utf-8", null),
    /** Prometheus remote write, snappy + protobuf, {@code POST /api/v1/write}. */
    REMOTE_WRITE("/api/v1/write", "application/x-protobuf", "snappy"),
    /** Prometheus text lines with ms timestamps, VictoriaMetrics {@code POST /api/v1/import/prometheus}. */
    PROM("/api/v1/import/prometheus", "text/plain; charset=utf-8", null);

    private final String defaultPath;
    private final String contentType;
    private final String contentEncoding;

    PayloadFormat(final String defaultPath, final String contentType, final String contentEncoding) {
        this.defaultPath = defaultPath;
        this.contentType = contentType;
        this.contentEncoding = contentEncoding;
    }

    /** Path used when the target URL names none. */
    public String defaultPath() {
        return defaultPath;
    }

    /** The Content-Type header. */
    public String contentType() {
        return contentType;
    }

    /** The Content-Encoding header, or {@code null}. */
    public String contentEncoding() {
        return contentEncoding;
    }

    /** Parses {@code json}, {@code lp}/{@code influx}, {@code remote-write}/{@code rw}, {@code prom}; null if none. */
    public static PayloadFormat parse(final String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "json", "seed-json" -> JSON;
            case "lp", "influx", "line-protocol" -> LP;
            case "remote-write", "remote_write", "rw", "prw" -> REMOTE_WRITE;
            case "prom", "prometheus-text", "vm-import" -> PROM;
            default -> null;
        };
    }

    /** A new encoder for {@code catalog}; {@code precision} applies to line protocol only. */
    public BodyEncoder encoder(final SeriesCatalog catalog, final LineProtocolEncoder.Precision precision) {
        return switch (this) {
            case JSON -> new SeedJsonEncoder(catalog);
            case LP -> new LineProtocolEncoder(catalog, precision);
            case REMOTE_WRITE -> new RemoteWriteEncoder(catalog);
            case PROM -> new PromTextEncoder(catalog);
        };
    }
}
