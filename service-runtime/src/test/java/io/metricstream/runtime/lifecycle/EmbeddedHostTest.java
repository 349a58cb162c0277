package io.metricstream.runtime.lifecycle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.runtime.config.Config;
import io.metricstream.runtime.config.ConfigKey;
import io.metricstream.runtime.config.ConfigLoader;
import io.metricstream.runtime.config.ConfigTable;
import io.metricstream.runtime.config.GlobalConfig;
import io.metricstream.runtime.config.ServiceKeys;
import io.metricstream.testsupport.Awaits;
import io.metricstream.testsupport.HttpProbe;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.concurrent.MultithreadEventExecutorGroup;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Tag("integration")
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EmbeddedHostTest {
    static final ConfigKey<Integer> HTTP_PORT = ServiceKeys.httpPort("demo", 0);
    static final ConfigKey<Integer> BINARY_PORT = ServiceKeys.binaryPort("demo", 0);

    @TempDir
    Path dir;

    /** A service with a slow route, a binary echo of frame lengths and a readiness gate. */
    static final class DemoService implements Service {
        final AtomicBoolean gate = new AtomicBoolean();
        final AtomicBoolean slowEntered = new AtomicBoolean();
        final AtomicBoolean closed = new AtomicBoolean();

        @Override
        public String name() {
            return "demo";
        }

        @Override
        public ConfigTable configTable() {
            return ConfigTable.of(HTTP_PORT, BINARY_PORT, ServiceKeys.bindAddress("demo"));
        }

        @Override
        public void start(ServiceHost host) {
            host.http(HTTP_PORT, r -> r.get("/slow", ex -> {
                slowEntered.set(true);
                host.scheduler().schedule(() -> ex.respondText(HttpResponseStatus.OK, "done"), 400,
                    TimeUnit.MILLISECONDS);
            }));
            host.binary(BINARY_PORT, () -> new SimpleChannelInboundHandler<ByteBuf>() {
                @Override
                protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
                    // Echo the frame's own length prefix and its total size back.
                    ctx.writeAndFlush(ctx.alloc().buffer(8).writeInt(frame.getInt(0)).writeInt(frame.readableBytes()));
                }
            }, 1 << 20);
            host.metrics().counter("demo_things_total", "Things.").add(7);
            host.readyWhen("gate", gate::get);
        }

        @Override
        public void close() {
            closed.set(true);
        }
    }

    private Config config() {
        return config(Map.of());
    }

    private Config config(Map<String, String> flags) {
        final ConfigTable table = ConfigTable.merge(GlobalConfig.TABLE, new DemoService().configTable());
        final Map<String, String> all = new HashMap<>(flags);
        all.put("global.data_dir", dir.toString());
        return (Config) new ConfigLoader(table).load(Optional.empty(), Map.of(), all);
    }

    @Test
    void shouldRunOneIoLoopPerCoreWhenIoThreadsIsZeroAndTheConfiguredCountOtherwise() throws Exception {
        try (EmbeddedHost host = EmbeddedHost.start(config(), List.of(new DemoService()))) {
            assertEquals(Runtime.getRuntime().availableProcessors(), workers(host));
        }
        try (EmbeddedHost host = EmbeddedHost.start(config(Map.of("global.io_threads", "3")),
            List.of(new DemoService()))) {
            assertEquals(3, workers(host));
        }
    }

    private static int workers(EmbeddedHost host) {
        return ((MultithreadEventExecutorGroup) host.eventLoops().workerGroup())
            .executorCount();
    }

    @Test
    void shouldServeHealthReadyAndMetricsWhenBoundToEphemeralPort() throws Exception {
        final DemoService demo = new DemoService();
        try (EmbeddedHost host = EmbeddedHost.start(config(), List.of(demo))) {
            final String base = "http://127.0.0.1:" + host.host("demo").httpAddresses().getFirst().getPort();
            assertEquals(new HttpProbe.Response(200, "{\"status\":\"up\"}"), HttpProbe.get(base + "/health"));
            assertEquals(new HttpProbe.Response(200, "{\"status\":\"up\"}"), HttpProbe.get(base + "/-/healthy"));
            final HttpProbe.Response notReady = HttpProbe.get(base + "/ready");
            assertEquals(503, notReady.status());
            assertEquals("{\"error\":{\"code\":\"not_ready\",\"message\":\"not ready: gate\"}}", notReady.body());
            assertEquals(notReady, HttpProbe.get(base + "/-/ready"));
            demo.gate.set(true);
            assertEquals(200, HttpProbe.get(base + "/ready").status());
            assertEquals(new HttpProbe.Response(200, "{\"status\":\"ready\"}"), HttpProbe.get(base + "/-/ready"));
            final String metrics = HttpProbe.get(base + "/metrics").body();
            assertTrue(metrics.contains("demo_things_total 7\n"), metrics);
            assertTrue(metrics.contains("# TYPE process_start_time_seconds gauge"), metrics);
            assertEquals(dir.resolve("demo"), host.host("demo").dataDir());
        }
        assertTrue(demo.closed.get());
    }

    @Test
    void shouldRefuseDataDirectoryWhileAnotherHostHoldsItAndFreeItOnClose() throws Exception {
        final EmbeddedHost first = EmbeddedHost.start(config(), List.of(new DemoService()));
        final Path owned;
        try (EmbeddedHost second = EmbeddedHost.start(config(), List.of(new DemoService()))) {
            owned = first.host("demo").dataDir();
            final IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> second.host("demo").dataDir());
            assertTrue(e.getMessage().contains(owned.toString()) && e.getMessage().contains("in use"), e.getMessage());
        } finally {
            first.close();
        }
        try (EmbeddedHost third = EmbeddedHost.start(config(), List.of(new DemoService()))) {
            assertEquals(owned, third.host("demo").dataDir());
        }
    }

    @Test
    void shouldServeTheSameFramesInJvmWhenAClientDialsLocalServiceName() throws Exception {
        try (EmbeddedHost host = EmbeddedHost.start(config(), List.of(new DemoService()))) {
            final ServiceHost demo = host.host("demo");
            assertSame(host.eventLoops().workerGroup(), demo.clientGroup("127.0.0.1:7070"));
            assertSame(host.eventLoops().localGroup(), demo.clientGroup("local:demo"));
            final TwoIntsReader reader = new TwoIntsReader();
            final Channel ch = new Bootstrap().group(demo.clientGroup("local:demo")).channel(LocalChannel.class)
                .handler(reader)
                .connect(new LocalAddress("demo")).sync().channel();
            try {
                // one frame in two writes: the server's frame decoder joins them as on TCP
                ch.writeAndFlush(Unpooled.buffer().writeInt(5).writeBytes(new byte[] {1, 2}));
                ch.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {3, 4, 5}));
                assertArrayEquals(new long[] {5, 9}, reader.echoed.get(10, TimeUnit.SECONDS));
            } finally {
                ch.close().sync();
            }
        }
    }

    @Test
    void shouldDeliverWholeFrameWithPrefixWhenClientSendsLengthPrefixedFrames() throws Exception {
        try (EmbeddedHost host = EmbeddedHost.start(config(), List.of(new DemoService()));
             Socket s = new Socket()) {
            s.connect(host.host("demo").binaryAddresses().getFirst(), 2000);
            final DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeInt(5);
            out.write(new byte[] {1, 2});
            out.flush();
            out.write(new byte[] {3, 4, 5});
            out.flush();
            final DataInputStream in = new DataInputStream(s.getInputStream());
            assertEquals(5, in.readInt());
            assertEquals(9, in.readInt());
        }
    }

    @Test
    void shouldFinishInFlightRequestWhenShuttingDown() throws Exception {
        final DemoService demo = new DemoService();
        final EmbeddedHost host = EmbeddedHost.start(config(), List.of(demo));
        final InetSocketAddress http = host.host("demo").httpAddresses().getFirst();
        final CompletableFuture<HttpProbe.Response> slow = CompletableFuture.supplyAsync(
            () -> HttpProbe.get("http://127.0.0.1:" + http.getPort() + "/slow"));
        Awaits.await(Duration.ofSeconds(5), demo.slowEntered::get, "the slow request to be in flight");
        final long start = System.nanoTime();
        host.close();
        final long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertEquals(new HttpProbe.Response(200, "done"), slow.get(5, TimeUnit.SECONDS));
        assertTrue(tookMs < 5000, "shutdown took " + tookMs + "ms");
        assertTrue(demo.closed.get());
        assertEquals(-1, HttpProbe.statusOrMinusOne("http://127.0.0.1:" + http.getPort() + "/health"));
    }

    @Test
    void shouldCloseStartedServicesWhenALaterOneFailsToStart() {
        final DemoService first = new DemoService();
        final Service broken = new Service() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public ConfigTable configTable() {
                return ConfigTable.of();
            }

            @Override
            public void start(ServiceHost host) throws IOException {
                throw new IOException("disk on fire");
            }
        };
        try {
            EmbeddedHost.start(config(), List.of(first, broken)).close();
        } catch (Exception e) {
            assertEquals("disk on fire", e.getMessage());
        }
        assertTrue(first.closed.get());
    }
}
