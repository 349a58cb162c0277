package io.metricstream.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free TCP ports on the loopback interface. Prefer binding port 0 and reading the bound port back. */
public final class LoopbackPorts {
    private LoopbackPorts() {
    }

    /** Returns a port that was free on 127.0.0.1 a moment ago (racy by nature; retry on bind failure). */
    public static int free() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free loopback port", e);
        }
    }
}
