package io.metricstream.runtime.lifecycle;

import io.metricstream.runtime.config.GlobalConfig;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import java.util.function.Predicate;

/**
 * The TCP transport of a process's event loops ({@code global.transport}): the IO handler its loops run and the
 * channel classes its servers and clients open. Each value is a name of the config key.
 *
 * <p>Design note: {@code auto} is epoll, then NIO; io_uring is opt-in because it did not win clearly. One-sample
 * POSTs (loadgen/bench/tiny.sh, metricstream-rw, quiet machine, alternated): io_uring 51.4k and 46.3k requests/s at
 * 19.4 and 22.3 µs server CPU per request against epoll's 51.5k and 46.3k at 20.7 and 22.8 — less CPU, the same
 * rate. ingest.sh (5,000 samples per request, 1 and 4 connections, two pairs) differed by less than its
 * run-to-run spread. The whole test suite passes on io_uring.
 */
public enum Transport {
    /** Linux io_uring (kernel 5.9+, {@code /proc/sys/kernel/io_uring_disabled} 0). */
    IO_URING("io_uring", IoUringServerSocketChannel.class, IoUringSocketChannel.class),
    /** Linux epoll. */
    EPOLL("epoll", EpollServerSocketChannel.class, EpollSocketChannel.class),
    /** The JDK's selector; available everywhere. */
    NIO("nio", NioServerSocketChannel.class, NioSocketChannel.class);

    /** The config value that picks the first available of {@link #AUTO_ORDER}. */
    public static final String AUTO = "auto";

    private static final Transport[] AUTO_ORDER = {EPOLL, NIO};

    private final String configName;
    private final Class<? extends ServerChannel> serverChannelClass;
    private final Class<? extends SocketChannel> socketChannelClass;

    Transport(String configName, Class<? extends ServerChannel> serverChannelClass,
              Class<? extends SocketChannel> socketChannelClass) {
        this.configName = configName;
        this.serverChannelClass = serverChannelClass;
        this.socketChannelClass = socketChannelClass;
    }

    /** The value of {@code global.transport} that names this transport. */
    public String configName() {
        return configName;
    }

    /** The server channel class of this transport. */
    public Class<? extends ServerChannel> serverChannelClass() {
        return serverChannelClass;
    }

    /** The client channel class of this transport. */
    public Class<? extends SocketChannel> socketChannelClass() {
        return socketChannelClass;
    }

    /** A factory of this transport's IO handler (one per event loop). */
    public IoHandlerFactory ioHandlerFactory() {
        return switch (this) {
            case IO_URING -> IoUringIoHandler.newFactory();
            case EPOLL -> EpollIoHandler.newFactory();
            case NIO -> NioIoHandler.newFactory();
        };
    }

    /** Whether the native library loaded and the kernel allows this transport. */
    public boolean isAvailable() {
        return switch (this) {
            case IO_URING -> IoUring.isAvailable();
            case EPOLL -> Epoll.isAvailable();
            case NIO -> true;
        };
    }

    /** Why this transport is unavailable, or null when it is available. */
    public Throwable unavailabilityCause() {
        return switch (this) {
            case IO_URING -> IoUring.unavailabilityCause();
            case EPOLL -> Epoll.unavailabilityCause();
            case NIO -> null;
        };
    }

    /**
     * The transport a {@code global.transport} value selects: {@code auto} picks the first available of epoll and
     * NIO; a named transport must be available.
     *
     * @throws IllegalArgumentException for a value that names no transport
     * @throws IllegalStateException when the named transport is unavailable, with the cause
     */
    public static Transport select(String configValue) {
        return select(configValue, Transport::isAvailable);
    }

    static Transport select(String configValue, Predicate<Transport> available) {
        if (AUTO.equals(configValue)) {
            for (Transport t : AUTO_ORDER) {
                if (available.test(t)) {
                    return t;
                }
            }
            return NIO;
        }
        for (Transport t : values()) {
            if (t.configName.equals(configValue)) {
                if (!available.test(t)) {
                    final Throwable cause = t.unavailabilityCause();
                    throw new IllegalStateException(GlobalConfig.TRANSPORT.name() + "=" + configValue
                        + ": the " + configValue + " transport is unavailable here"
                        + (cause == null ? "" : " (" + cause + ")") + "; use auto, epoll or nio", cause);
                }
                return t;
            }
        }
        throw new IllegalArgumentException(GlobalConfig.TRANSPORT.name() + ": got \"" + configValue
            + "\"; want one of auto, io_uring, epoll, nio");
    }
}
