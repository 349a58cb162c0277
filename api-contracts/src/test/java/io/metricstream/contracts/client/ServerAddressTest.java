package io.metricstream.contracts.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.local.LocalAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class ServerAddressTest {
    private static void tcp(final String text, final String host, final int port) {
        final ServerAddress a = ServerAddress.parse(text);
        final InetSocketAddress s = (InetSocketAddress) a.socketAddress();
        assertEquals(host, s.getHostString(), text);
        assertEquals(port, s.getPort(), text);
        assertEquals(text, a.toString());
        assertTrue(!a.local(), text);
    }

    private static void bad(final String text, final String reason) {
        final String problem = ServerAddress.problem(text);
        assertTrue(problem != null && problem.contains(reason), text + ": " + problem);
        assertThrows(IllegalArgumentException.class, () -> ServerAddress.parse(text), text);
    }

    @Test
    void shouldParseTcpAddressesWhenHostAndPortAreGiven() {
        tcp("127.0.0.1:7070", "127.0.0.1", 7070);
        tcp("queue.internal:0", "queue.internal", 0);
        tcp("[::1]:7070", "::1", 7070);
        tcp("host:65535", "host", 65_535);
    }

    @Test
    void shouldParseInJvmAddressesWhenPrefixedWithLocal() {
        final ServerAddress a = ServerAddress.parse("local:queue");
        assertTrue(a.local());
        assertEquals(new LocalAddress("queue"), a.socketAddress());
        assertNull(ServerAddress.problem("local:queue"));
    }

    @Test
    void shouldNameTheProblemWhenTheAddressIsNeitherForm() {
        bad("", "empty");
        bad("local:", "no name");
        bad("127.0.0.1", "want host:port");
        bad(":7070", "want host:port");
        bad("host:", "want host:port");
        bad("host:http", "port http");
        bad("host:70700", "port 70700");
        bad("host:123456", "port 123456");
    }
}
