package io.metricstream.alert.notify;

/**
 * One HTTP request the outbox must get acknowledged (2xx) by a receiver: rendered once, re-sent byte for byte.
 *
 * @param integration a name for logs and metrics ({@code receiver/webhook[0]})
 * @param url         where to POST
 * @param contentType the body's content type
 * @param body        the body
 */
public record Delivery(String integration, String url, String contentType, byte[] body) {
}
