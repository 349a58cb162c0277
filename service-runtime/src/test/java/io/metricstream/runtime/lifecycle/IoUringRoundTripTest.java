package io.metricstream.runtime.lifecycle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.metricstream.runtime.config.Config;
import io.metricstream.runtime.config.ConfigLoader;
import io.metricstream.runtime.config.ConfigTable;
import io.metricstream.runtime.config.GlobalConfig;
import io.metricstream.testsupport.HttpProbe;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringSocketChannel;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A host on {@code global.transport: io_uring}: HTTP and the binary framing over io_uring servers and clients. */
@Tag("integration")
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class IoUringRoundTripTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void requireIoUring() {
        assumeTrue(IoUring.isAvailable(), () -> "io_uring unavailable here: " + IoUring.unavailabilityCause());
    }

    private Config config() {
        final ConfigTable table = ConfigTable.merge(GlobalConfig.TABLE,
            new EmbeddedHostTest.DemoService().configTable());
        return assertInstanceOf(Config.class, new ConfigLoader(table).load(Optional.empty(), Map.of(),
            Map.of("global.data_dir", dir.toString(), "global.transport", "io_uring")));
    }

    @Test
    void shouldServeHttpAndBinaryFramesWhenTheTransportIsIoUring() throws Exception {
        final EmbeddedHostTest.DemoService demo = new EmbeddedHostTest.DemoService();
        try (EmbeddedHost host = EmbeddedHost.start(config(), List.of(demo))) {
            assertSame(Transport.IO_URING, host.eventLoops().transport());
            final ServiceHost service = host.host("demo");
            final String base = "http://127.0.0.1:" + service.httpAddresses().getFirst().getPort();
            assertEquals(new HttpProbe.Response(200, "{\"status\":\"up\"}"), HttpProbe.get(base + "/health"));
            demo.gate.set(true);
            assertEquals(200, HttpProbe.get(base + "/ready").status());

            final InetSocketAddress binary = service.binaryAddresses().getFirst();
            final TwoIntsReader reader = new TwoIntsReader();
            final Channel ch = new Bootstrap().group(service.clientGroup("127.0.0.1:" + binary.getPort()))
                .channel(host.eventLoops().socketChannelClass())
                .handler(reader)
                .connect(binary).sync().channel();
            try {
                assertInstanceOf(IoUringSocketChannel.class, ch);
                // one frame in two writes: the server's frame decoder joins them
                ch.writeAndFlush(Unpooled.buffer().writeInt(5).writeBytes(new byte[] {1, 2}));
                ch.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {3, 4, 5}));
                assertArrayEquals(new long[] {5, 9}, reader.echoed.get(10, TimeUnit.SECONDS));
            } finally {
                ch.close().sync();
            }
        }
    }
}
