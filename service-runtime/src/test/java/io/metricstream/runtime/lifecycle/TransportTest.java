package io.metricstream.runtime.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.runtime.config.ConfigLoader;
import io.metricstream.runtime.config.ConfigProblem;
import io.metricstream.runtime.config.ConfigProblems;
import io.metricstream.runtime.config.GlobalConfig;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandler;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code global.transport}: each value's handler and channel classes, auto's fallbacks, and the errors. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TransportTest {
    private record Expected(String value, Transport transport, Class<? extends IoHandler> handler,
                            Class<? extends ServerChannel> server, Class<? extends SocketChannel> client) {
    }

    private static final List<Expected> TABLE = List.of(
        new Expected("io_uring", Transport.IO_URING, IoUringIoHandler.class, IoUringServerSocketChannel.class,
            IoUringSocketChannel.class),
        new Expected("epoll", Transport.EPOLL, EpollIoHandler.class, EpollServerSocketChannel.class,
            EpollSocketChannel.class),
        new Expected("nio", Transport.NIO, NioIoHandler.class, NioServerSocketChannel.class, NioSocketChannel.class));

    @Test
    void shouldSelectEachNamedTransportWithItsChannelClassesWhenAvailable() {
        for (Expected e : TABLE) {
            final Transport t = Transport.select(e.value(), any -> true);
            assertSame(e.transport(), t, e.value());
            assertEquals(e.value(), t.configName());
            assertSame(e.server(), t.serverChannelClass(), e.value());
            assertSame(e.client(), t.socketChannelClass(), e.value());
        }
        assertEquals(TABLE.size(), Transport.values().length, "every transport has a row");
    }

    @Test
    void shouldRunLoopsOfTheTransportsHandlerAndALocalLoopWhenTheTransportIsAvailableHere() {
        for (Expected e : TABLE) {
            if (!e.transport().isAvailable()) {
                continue; // NIO always is, so the loop below runs at least once
            }
            try (EventLoops loops = EventLoops.create(1, e.transport())) {
                assertSame(e.transport(), loops.transport());
                assertTrue(((IoEventLoopGroup) loops.bossGroup()).isIoType(e.handler()), e.value());
                assertTrue(((IoEventLoopGroup) loops.workerGroup()).isIoType(e.handler()), e.value());
                assertTrue(((IoEventLoopGroup) loops.localGroup()).isIoType(LocalIoHandler.class), e.value());
                assertSame(e.server(), loops.serverChannelClass());
                assertSame(e.client(), loops.socketChannelClass());
            }
        }
    }

    @Test
    void shouldPickEpollThenNioWhenAuto() {
        assertSame(Transport.EPOLL, Transport.select("auto", any -> true));
        assertSame(Transport.EPOLL, Transport.select("auto", t -> t != Transport.IO_URING));
        assertSame(Transport.NIO, Transport.select("auto", t -> t == Transport.NIO));
        assertSame(Transport.NIO, Transport.select("auto", t -> false), "NIO needs no native library");
    }

    @Test
    void shouldFailNamingKeyAndValueWhenTheNamedTransportIsUnavailable() {
        for (String value : List.of("io_uring", "epoll")) {
            final IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Transport.select(value, t -> t == Transport.NIO));
            assertTrue(e.getMessage().startsWith("global.transport=" + value + ": the " + value
                + " transport is unavailable here"), e.getMessage());
        }
    }

    @Test
    void shouldRejectAnUnknownValueNamingTheKey() {
        final ConfigProblems p = assertInstanceOf(ConfigProblems.class, new ConfigLoader(GlobalConfig.TABLE)
            .load(Optional.empty(), Map.of("METRICSTREAM_GLOBAL_TRANSPORT", "kqueue"), Map.of()));
        assertEquals(List.of("env METRICSTREAM_GLOBAL_TRANSPORT: global.transport: got \"kqueue\"; want one of auto,"
            + " io_uring, epoll, nio"), p.problems().stream().map(ConfigProblem::toString).toList());
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> Transport.select("uring"));
        assertEquals("global.transport: got \"uring\"; want one of auto, io_uring, epoll, nio", e.getMessage());
    }
}
