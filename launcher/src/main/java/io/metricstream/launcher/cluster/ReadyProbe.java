package io.metricstream.launcher.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;

/** A blocking GET for readiness polling: the status code, or -1 when nothing answers within a second. */
final class ReadyProbe {
    private static final int TIMEOUT_MS = 1_000;

    private ReadyProbe() {
    }

    /** The status of GET {@code url}, or -1 when the connection fails or times out. */
    static int status(String url) {
        HttpURLConnection c = null;
        try {
            c = (HttpURLConnection) URI.create(url).toURL().openConnection();
            c.setConnectTimeout(TIMEOUT_MS);
            c.setReadTimeout(TIMEOUT_MS);
            final int status = c.getResponseCode();
            try (InputStream body = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
                if (body != null) {
                    body.readAllBytes();
                }
            }
            return status;
        } catch (IOException e) {
            return -1;
        } finally {
            if (c != null) {
                c.disconnect();
            }
        }
    }
}
