package io.metricstream.runtime.lifecycle;

import io.metricstream.runtime.binary.BinaryServer;
import io.metricstream.runtime.config.Config;
import io.metricstream.runtime.config.GlobalConfig;
import io.metricstream.runtime.config.ServiceKeys;
import io.metricstream.runtime.health.HealthRoutes;
import io.metricstream.runtime.health.Readiness;
import io.metricstream.runtime.http.BodyLimits;
import io.metricstream.runtime.http.HttpServer;
import io.metricstream.runtime.http.HttpServerOptions;
import io.metricstream.runtime.http.Router;
import io.metricstream.runtime.logging.DistinctErrorLog;
import io.metricstream.runtime.metrics.JvmMetrics;
import io.metricstream.runtime.metrics.MetricsRegistry;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one or many {@link Service}s in one JVM on shared event loops and a shared scheduler: {@code run queue}
 * hosts one, {@code up} hosts all five. Services start in list order; {@link #close()} shuts down gracefully
 * (see {@link GracefulShutdown}). Thread-safe for {@link #close()}; started from one thread.
 */
public final class EmbeddedHost implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedHost.class);

    private final Config config;
    private final EventLoops loops;
    private final ScheduledThreadPoolExecutor scheduler;
    private final DistinctErrorLog errors = new DistinctErrorLog(LoggerFactory.getLogger("io.metricstream.http"),
        Duration.ofSeconds(10));
    private final List<Slot> slots = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private EmbeddedHost(Config config) {
        this.config = config;
        final Object io = config.get(GlobalConfig.IO_THREADS.name());
        final Object transport = config.get(GlobalConfig.TRANSPORT.name());
        final int workers = io instanceof Integer n && n > 0 ? n : EventLoops.defaultWorkerThreads();
        this.loops = EventLoops.create(workers,
            Transport.select(transport instanceof String s ? s : GlobalConfig.TRANSPORT.defaultValue()));
        LOG.info("transport {} with {} io threads", loops.transport().configName(), workers);
        this.scheduler = new ScheduledThreadPoolExecutor(2, r -> {
            final Thread t = new Thread(r, "ms-scheduler");
            t.setDaemon(true);
            return t;
        });
        scheduler.setRemoveOnCancelPolicy(true);
    }

    /**
     * Starts {@code services} in order with {@code config} (whose table must hold their keys and the global ones).
     * When one fails to start, the ones already started are shut down and the failure is rethrown.
     */
    public static EmbeddedHost start(Config config, List<? extends Service> services) throws Exception {
        final EmbeddedHost host = new EmbeddedHost(config);
        try {
            for (Service s : services) {
                final Slot slot = host.new Slot(s);
                host.slots.add(slot);
                s.start(slot);
                slot.started = true;
                LOG.info("started {} http={} binary={}", s.name(), slot.httpAddresses(), slot.binaryAddresses());
            }
        } catch (Exception | Error e) {
            host.close();
            throw e;
        }
        return host;
    }

    /** The host of the service called {@code name}; an unknown name is a programming error. */
    public ServiceHost host(String name) {
        for (Slot s : slots) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("no service " + name);
    }

    /** Every service's host, in start order. */
    public List<ServiceHost> hosts() {
        return List.copyOf(slots);
    }

    /** The event loops (for clients that want to share them). */
    public EventLoops eventLoops() {
        return loops;
    }

    /** Shuts down with the configured drain timeout (global.drain_timeout, default 3 s). Idempotent. */
    @Override
    public void close() {
        final Object ms = config.get(GlobalConfig.DRAIN_TIMEOUT.name());
        shutdown(Duration.ofMillis(ms instanceof Long l ? l : GracefulShutdown.DEFAULT_DRAIN.toMillis()));
    }

    /** Shuts down, waiting at most {@code drainTimeout} for in-flight HTTP requests. Idempotent. */
    public synchronized void shutdown(Duration drainTimeout) {
        if (closed) {
            return;
        }
        closed = true;
        GracefulShutdown.run(new ArrayList<>(slots), loops, scheduler, drainTimeout);
        for (Slot s : slots) {
            s.releaseDataDir();
        }
    }

    /** One service's view of the host. */
    final class Slot implements ServiceHost {
        final Service service;
        final Readiness readiness = new Readiness();
        final MetricsRegistry metrics = new MetricsRegistry();
        final List<HttpServer> httpServers = new CopyOnWriteArrayList<>();
        final List<BinaryServer> binaryServers = new CopyOnWriteArrayList<>();
        volatile boolean started;
        private DataDirLock lock;

        Slot(Service service) {
            this.service = service;
            JvmMetrics.register(metrics);
            readiness.add("started", () -> started);
            readiness.add("not_shutting_down", () -> !closed);
        }

        @Override
        public String name() {
            return service.name();
        }

        @Override
        public Config config() {
            return config;
        }

        /**
         * The service's data directory, created and locked on first use: {@code lock} in it holds an OS file lock
         * until the host shuts down (or the process dies), so a second process started on the same directory fails
         * at once instead of recovering, truncating or checkpointing files the first one is writing (as
         * Prometheus's and Kafka's lock files do).
         */
        @Override
        public synchronized Path dataDir() {
            final Object root = config.get(GlobalConfig.DATA_DIR.name());
            final Path dir = Path.of(root == null ? GlobalConfig.DATA_DIR.defaultValue() : (String) root)
                .resolve(service.name());
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create data directory " + dir, e);
            }
            if (lock == null) {
                lock = DataDirLock.acquire(dir);
            }
            return dir;
        }

        void releaseDataDir() {
            final DataDirLock l;
            synchronized (this) {
                l = lock;
                lock = null;
            }
            if (l != null) {
                l.close();
            }
        }

        private String key(String shortName) {
            return service.name() + "." + shortName;
        }

        private String bindAddress() {
            final Object v = config.get(key(ServiceKeys.BIND_ADDRESS));
            return v == null ? "127.0.0.1" : (String) v;
        }

        @Override
        public void http(int port, Consumer<Router> routes) {
            final Router router = new Router();
            routes.accept(router);
            HealthRoutes.install(router, readiness, metrics);
            final Object max = config.get(key(ServiceKeys.MAX_BODY_BYTES));
            final BodyLimits limits = max == null ? BodyLimits.DEFAULT
                : new BodyLimits((int) Math.min(Integer.MAX_VALUE, (Long) max), true);
            try {
                final HttpServer server = HttpServer.bind(loops,
                    new HttpServerOptions(bindAddress(), port, limits, tls()), router, errors);
                httpServers.add(server);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted binding " + service.name() + " http port " + port, e);
            }
        }

        private SslContext tls() {
            final Object cert = config.get(key(ServiceKeys.TLS_CERT_FILE));
            final Object pk = config.get(key(ServiceKeys.TLS_KEY_FILE));
            if (cert == null || pk == null || ((String) cert).isEmpty() || ((String) pk).isEmpty()) {
                return null;
            }
            try {
                return HttpServerOptions.tls(Path.of((String) cert), Path.of((String) pk));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot load TLS cert=" + cert + " key=" + pk, e);
            }
        }

        @Override
        public void binary(int port, Supplier<ChannelHandler> perChannelHandler, int maxFrameBytes) {
            try {
                // in-JVM too, as local:<service> (a second binary server of a service as local:<service>-2, ...)
                final String localName = binaryServers.isEmpty() ? service.name()
                    : service.name() + "-" + (binaryServers.size() + 1);
                binaryServers.add(BinaryServer.bind(loops, bindAddress(), port, localName, perChannelHandler,
                    maxFrameBytes));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted binding " + service.name() + " binary port " + port, e);
            }
        }

        @Override
        public MetricsRegistry metrics() {
            return metrics;
        }

        @Override
        public void readyWhen(BooleanSupplier condition) {
            readiness.add("condition_" + readiness.size(), condition);
        }

        @Override
        public void readyWhen(String name, BooleanSupplier condition) {
            readiness.add(name, condition);
        }

        @Override
        public EventLoopGroup workerGroup() {
            return loops.workerGroup();
        }

        @Override
        public EventLoopGroup clientGroup(String address) {
            return address != null && address.startsWith(LOCAL_PREFIX) ? loops.localGroup() : loops.workerGroup();
        }

        @Override
        public ScheduledExecutorService scheduler() {
            return scheduler;
        }

        @Override
        public List<InetSocketAddress> httpAddresses() {
            return httpServers.stream().map(HttpServer::localAddress).toList();
        }

        @Override
        public List<InetSocketAddress> binaryAddresses() {
            return binaryServers.stream().map(BinaryServer::localAddress).toList();
        }
    }
}
