package io.metricstream.runtime.lifecycle;

import io.metricstream.runtime.binary.BinaryServer;
import io.metricstream.runtime.http.HttpServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shutdown sequence, bounded to well under 5 s: (1) every server stops accepting and {@code /ready} turns 503;
 * (2) in-flight HTTP requests get up to the drain timeout (default 3 s) to finish, then connections close;
 * (3) in reverse start order, each service's binary connections close and then the service {@code close()}s:
 * the services that use another's binary protocol (storage and alert fetch from the queue, query selects from
 * storage) start after it, so they stop — storage with its final offset commit — while it still answers, and
 * none of them logs a lost connection on a clean stop; (4) the scheduler and event loops shut down (≤ 1 s).
 */
public final class GracefulShutdown {
    /** Default wait for in-flight requests. */
    public static final Duration DEFAULT_DRAIN = Duration.ofSeconds(3);
    private static final Logger LOG = LoggerFactory.getLogger(GracefulShutdown.class);

    private GracefulShutdown() {
    }

    static void run(List<EmbeddedHost.Slot> slots, EventLoops loops, ScheduledExecutorService scheduler,
                    Duration drainTimeout) {
        final long start = System.nanoTime();
        for (EmbeddedHost.Slot s : slots) {
            s.httpServers.forEach(HttpServer::stopAccepting);
            s.binaryServers.forEach(BinaryServer::stopAccepting);
        }
        final long deadline = start + drainTimeout.toNanos();
        for (EmbeddedHost.Slot s : slots) {
            for (HttpServer h : s.httpServers) {
                final Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
                if (!h.drainAndClose(left)) {
                    LOG.warn("{}: {} requests still in flight after drain timeout {}ms", s.name(),
                        h.tracker().inFlight(), drainTimeout.toMillis());
                }
            }
        }
        for (int i = slots.size() - 1; i >= 0; i--) {
            final EmbeddedHost.Slot s = slots.get(i);
            s.binaryServers.forEach(b -> b.closeConnections(Duration.ofMillis(300)));
            try {
                s.service.close();
            } catch (RuntimeException e) {
                LOG.error("{}: close failed", s.name(), e);
            }
        }
        scheduler.shutdownNow();
        loops.shutdown(Duration.ofSeconds(1));
        LOG.info("shut down in {}ms", (System.nanoTime() - start) / 1_000_000);
    }
}
