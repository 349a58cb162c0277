package io.metricstream.ingestion.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.netty.channel.local.LocalAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The rate-limit client of a request that has neither API key nor client id: its peer's IP address. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RateLimitClientTest {
    private static InetSocketAddress peer(final int a, final int b, final int c, final int d, final int port)
        throws Exception {
        return new InetSocketAddress(InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d}),
            port);
    }

    @Test
    void shouldBeOneClientPerHostWhenConnectionsComeFromDifferentPorts() throws Exception {
        assertEquals("10.1.2.3", IngestPipeline.addressClient(peer(10, 1, 2, 3, 40_000)));
        assertEquals(IngestPipeline.addressClient(peer(10, 1, 2, 3, 40_000)),
            IngestPipeline.addressClient(peer(10, 1, 2, 3, 51_234)));
    }

    @Test
    void shouldBeDifferentClientsWhenHostsDiffer() throws Exception {
        assertNotEquals(IngestPipeline.addressClient(peer(10, 1, 2, 3, 40_000)),
            IngestPipeline.addressClient(peer(10, 1, 2, 4, 40_000)));
        final InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("::1"), 5000);
        assertEquals("0:0:0:0:0:0:0:1", IngestPipeline.addressClient(v6));
    }

    @Test
    void shouldFallBackToAnonymousWhenAddressIsUnknownOrNotInet() {
        assertEquals("anonymous", IngestPipeline.addressClient(null));
        assertEquals("anonymous", IngestPipeline.addressClient(new LocalAddress("embedded")));
        assertEquals("example.invalid",
            IngestPipeline.addressClient(InetSocketAddress.createUnresolved("example.invalid", 80)));
    }
}
