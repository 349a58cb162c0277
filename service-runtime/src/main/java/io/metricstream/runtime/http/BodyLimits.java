package io.metricstream.runtime.http;

/**
 * Request body bounds of an HTTP server.
 *
 * @param maxBodyBytes  the largest body a handler sees; with decompression on, this bounds the DECOMPRESSED size
 *                      (the compressed bytes stream through and are never aggregated), so a small gzip bomb cannot
 *                      inflate past it. Larger bodies get 413 {@code body_too_large} and the connection closes.
 * @param decompression whether {@code Content-Encoding: gzip|deflate} request bodies are inflated
 */
public record BodyLimits(int maxBodyBytes, boolean decompression) {
    /** 16 MiB, decompression on. */
    public static final BodyLimits DEFAULT = new BodyLimits(16 << 20, true);

    /** Validates the bound. */
    public BodyLimits {
        if (maxBodyBytes < 0) {
            throw new IllegalArgumentException("maxBodyBytes: got " + maxBodyBytes + "; want >= 0");
        }
    }
}
