package io.metricstream.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/** A webhook receiver on loopback recording every JSON body; can be stopped and restarted on the same port. */
public final class WebhookSink implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<JsonNode> bodies = new CopyOnWriteArrayList<>();
    private final int port;
    private volatile BiConsumer<JsonNode, Long> onReceive = (b, t) -> { };
    private HttpServer server;

    /** Starts on {@code port} (0 = ephemeral). */
    public WebhookSink(int port) throws IOException {
        server = bind(port);
        this.port = server.getAddress().getPort();
    }

    private HttpServer bind(int p) throws IOException {
        final HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", p), 0);
        s.createContext("/", ex -> {
            final byte[] b = ex.getRequestBody().readAllBytes();
            final long now = System.nanoTime();
            final JsonNode body = JSON.readTree(b);
            bodies.add(body);
            onReceive.accept(body, now);
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        s.start();
        return s;
    }

    /** Called with each body and the System.nanoTime() of its arrival. */
    public void onReceive(BiConsumer<JsonNode, Long> c) {
        this.onReceive = c;
    }

    /** The URL to configure. */
    public String url() {
        return "http://127.0.0.1:" + port + "/hook";
    }

    /** The port. */
    public int port() {
        return port;
    }

    /** Bodies received. */
    public List<JsonNode> bodies() {
        return bodies;
    }

    /** Stops listening (connections are refused). */
    public synchronized void stop() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    /** Listens again on the same port. */
    public synchronized void restart() throws IOException {
        if (server == null) {
            server = bind(port);
        }
    }

    @Override
    public void close() {
        stop();
    }
}
