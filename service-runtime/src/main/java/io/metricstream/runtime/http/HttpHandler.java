package io.metricstream.runtime.http;

/** Handles one routed request; must call exactly one {@code respond…} method on the exchange, now or later. */
@FunctionalInterface
public interface HttpHandler {
    /**
     * Handles {@code exchange} on the channel's event loop. Throwing answers 500 (unless a response was sent).
     *
     * @throws Exception on a programming error or unexpected failure
     */
    void handle(HttpExchange exchange) throws Exception;
}
