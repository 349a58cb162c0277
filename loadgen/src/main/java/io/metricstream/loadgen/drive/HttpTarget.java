package io.metricstream.loadgen.drive;

import io.metricstream.loadgen.encode.PayloadFormat;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Where requests go: scheme, host, port and request URI (path plus query). Only loopback hosts are allowed
 * unless {@code allowRemote}: this machine's rule for load generation.
 *
 * @param scheme {@code http} or {@code queue}
 * @param host host name or address
 * @param port TCP port
 * @param uri request path and query for HTTP (e.g. {@code /write?db=bench&precision=ms}); topic for queue
 */
public record HttpTarget(String scheme, String host, int port, String uri) {

    /**
     * Parses {@code http://host:port[/path][?query]} or {@code queue://host:port[/topic]}; fills in the format's
     * default path when none is given. Returns an error message instead when the URL is malformed or the host
     * is not loopback and remote targets are not allowed.
     */
    public static Object parse(final String url, final PayloadFormat format, final boolean allowRemote) {
        final URI u;
        try {
            u = URI.create(url);
        } catch (IllegalArgumentException e) {
            return "bad target url: got \"" + url + "\"; want http://127.0.0.1:PORT[/path]";
        }
        final String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("queue")) {
            return "bad target url scheme: got \"" + scheme + "\"; want http or queue (https is not supported)";
        }
        if (u.getHost() == null) {
            return "bad target url: got \"" + url + "\"; want a host";
        }
        if (!allowRemote && !isLoopback(u.getHost())) {
            return "refusing to send load to " + u.getHost() + ": only 127.0.0.1/localhost targets are allowed on "
                + "this machine (pass --allow-remote to override)";
        }
        final int port = u.getPort() > 0 ? u.getPort() : scheme.equals("queue") ? 7070 : 80;
        String path = u.getRawPath() == null || u.getRawPath().isEmpty() || u.getRawPath().equals("/")
            ? null : u.getRawPath();
        if (scheme.equals("queue")) {
            return new HttpTarget(scheme, u.getHost(), port, path == null ? "metrics.inbound" : path.substring(1));
        }
        if (path == null) {
            path = format == null ? "/" : format.defaultPath();
        }
        return new HttpTarget(scheme, u.getHost(), port, u.getRawQuery() == null ? path : path + "?" + u.getRawQuery());
    }

    /** Whether {@code host} is {@code localhost} or a loopback IP literal (names are never resolved). */
    public static boolean isLoopback(final String host) {
        final String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!h.matches("[0-9.]+") && !h.contains(":")) {
            return false;
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** Whether this is the queue's binary produce API. */
    public boolean isQueue() {
        return scheme.equals("queue");
    }

    /** {@code http://host:port/uri} for reports. */
    @Override
    public String toString() {
        return isQueue() ? "queue://" + host + ":" + port + "/" + uri : "http://" + host + ":" + port + uri;
    }
}
