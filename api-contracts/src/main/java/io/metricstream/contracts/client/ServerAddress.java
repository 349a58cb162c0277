package io.metricstream.contracts.client;

import io.netty.channel.local.LocalAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Where a binary-protocol server listens, in one of two forms: {@code host:port} (TCP; an IPv6 host in brackets)
 * or {@code local:NAME}, a server in this JVM reached through Netty's in-JVM transport ({@link LocalAddress}), the
 * same frames without the kernel's loopback. {@code metricstream up} binds each binary server under its service's
 * name ({@code local:queue}) beside its TCP port.
 *
 * @param text the address as configured
 * @param socketAddress the resolved form: an unresolved {@link InetSocketAddress} or a {@link LocalAddress}
 */
public record ServerAddress(String text, SocketAddress socketAddress) {
    /** The prefix of the in-JVM form. */
    public static final String LOCAL_PREFIX = "local:";

    /** Parses either form; throws IllegalArgumentException with the reason when {@code text} is neither. */
    public static ServerAddress parse(final String text) {
        final String problem = problem(text);
        if (problem != null) {
            throw new IllegalArgumentException("bad server address " + text + ": " + problem);
        }
        if (isLocal(text)) {
            return new ServerAddress(text, new LocalAddress(text.substring(LOCAL_PREFIX.length())));
        }
        final int colon = text.lastIndexOf(':');
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new ServerAddress(text, InetSocketAddress.createUnresolved(host,
            Integer.parseInt(text.substring(colon + 1))));
    }

    /** A TCP address. */
    public static ServerAddress tcp(final String host, final int port) {
        return new ServerAddress(host + ":" + port, InetSocketAddress.createUnresolved(host, port));
    }

    /** True for the {@code local:NAME} form. */
    public static boolean isLocal(final String text) {
        return text != null && text.startsWith(LOCAL_PREFIX);
    }

    /** Null when {@code text} is a valid address, else why it is not (for config validators). */
    public static String problem(final String text) {
        if (text == null || text.isEmpty()) {
            return "empty; want host:port or local:NAME";
        }
        if (isLocal(text)) {
            return text.length() > LOCAL_PREFIX.length() ? null : "no name after local:";
        }
        final int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            return "want host:port or local:NAME";
        }
        final String port = text.substring(colon + 1);
        if (port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')
            || Integer.parseInt(port) > 65_535) {
            return "port " + port + " is not 0-65535";
        }
        return null;
    }

    /** True when this is the in-JVM form. */
    public boolean local() {
        return socketAddress instanceof LocalAddress;
    }

    @Override
    public String toString() {
        return text;
    }
}
