package io.metricstream.runtime.lifecycle;

import io.metricstream.runtime.config.Config;
import io.metricstream.runtime.config.ConfigKey;
import io.metricstream.runtime.http.Router;
import io.metricstream.runtime.metrics.MetricsRegistry;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What the runtime offers one service: resolved config, a data directory, servers on shared event loops, a metrics
 * registry, readiness and a scheduler. Every HTTP server also serves {@code /health}, {@code /ready} and
 * {@code /metrics}. Servers bind {@code <service>.bind_address} when the service declares it, else 127.0.0.1.
 */
public interface ServiceHost {
    /** The prefix of an in-JVM server address, {@code local:NAME}; TCP addresses are {@code host:port}. */
    String LOCAL_PREFIX = "local:";

    /** The service's name. */
    String name();

    /** The resolved configuration (all sections in use). */
    Config config();

    /** {@code <global.data_dir>/<service name>}, created on first call. */
    Path dataDir();

    /** Binds an HTTP server on {@code port} (0 = ephemeral) with the routes added by {@code routes}. */
    void http(int port, Consumer<Router> routes);

    /** Binds an HTTP server on the port configured by {@code portKey}. */
    default void http(ConfigKey<Integer> portKey, Consumer<Router> routes) {
        http(config().get(portKey), routes);
    }

    /**
     * Binds a length-prefixed binary server on {@code port}: each connection gets {@code perChannelHandler.get()},
     * which receives whole frames including their 4-byte length prefix. The same server also listens in-JVM as
     * {@code local:<service name>} (the second binary server of a service as {@code local:<name>-2}, and so on), for
     * clients in this JVM (see {@link #clientGroup(String)}).
     */
    void binary(int port, Supplier<ChannelHandler> perChannelHandler, int maxFrameBytes);

    /** Binds a binary server on the port configured by {@code portKey}. */
    default void binary(ConfigKey<Integer> portKey, Supplier<ChannelHandler> perChannelHandler, int maxFrameBytes) {
        binary(config().get(portKey), perChannelHandler, maxFrameBytes);
    }

    /** This service's metrics registry (JVM basics pre-registered). */
    MetricsRegistry metrics();

    /** Adds a readiness condition; {@code /ready} is 200 only while every condition holds. */
    void readyWhen(BooleanSupplier condition);

    /** Adds a named readiness condition; a 503 names the conditions that do not hold. */
    void readyWhen(String name, BooleanSupplier condition);

    /** The shared IO event loops (never block on them). */
    EventLoopGroup workerGroup();

    /**
     * The event loop group a client of a binary protocol at {@code address} shares: the in-JVM transport's loop for
     * a {@code local:NAME} address, else the IO loops.
     */
    EventLoopGroup clientGroup(String address);

    /** A shared scheduler for periodic and blocking background work (flushes, retention, …). */
    ScheduledExecutorService scheduler();

    /** The bound addresses of this service's HTTP servers, in bind order. */
    List<InetSocketAddress> httpAddresses();

    /** The bound addresses of this service's binary servers, in bind order. */
    List<InetSocketAddress> binaryAddresses();
}
