package io.metricstream.runtime.http.bench;

import io.metricstream.runtime.http.BodyLimits;
import io.metricstream.runtime.http.HttpServerInitializer;
import io.metricstream.runtime.http.RequestTracker;
import io.metricstream.runtime.http.Router;
import io.metricstream.runtime.logging.DistinctErrorLog;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/**
 * CPU cost of the HTTP pipeline alone (no sockets, no syscalls): the wrk request of loadgen/bench/tiny.sh (remote
 * write, one sample) through the server's pipeline on an {@link EmbeddedChannel}, answered 204 at once, in thread
 * CPU ns per request, so other load on the machine matters less than for wrk:
 * {@code java -cp target/test-classes:target/classes:$(deps) io.metricstream.runtime.http.bench.HttpPipelineBench}.
 * Not a test.
 */
public final class HttpPipelineBench {
    private static final int REQUESTS = 200_000;

    private HttpPipelineBench() {
    }

    /** Entry point. */
    public static void main(final String[] args) {
        final byte[] body = new byte[57];
        final String head = "POST /api/v1/write HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Length: " + body.length
            + "\r\nContent-Type: application/x-protobuf\r\nContent-Encoding: snappy\r\n"
            + "X-Prometheus-Remote-Write-Version: 0.1.0\r\n\r\n";
        final byte[] request = new byte[head.length() + body.length];
        System.arraycopy(head.getBytes(StandardCharsets.ISO_8859_1), 0, request, 0, head.length());
        final Router router = new Router()
            .post("/api/v1/write", ex -> ex.respond(HttpResponseStatus.NO_CONTENT, null, Unpooled.EMPTY_BUFFER));
        final EmbeddedChannel ch = new EmbeddedChannel(new HttpServerInitializer(router,
            BodyLimits.DEFAULT, null, new RequestTracker(),
            new DistinctErrorLog(LoggerFactory.getLogger(HttpPipelineBench.class), Duration.ofMinutes(1))));
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long bytesOut = 0;
        for (int round = 0; round < 8; round++) {
            final long cpu = threads.getCurrentThreadCpuTime();
            final long allocated = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < REQUESTS; i++) {
                final ByteBuf in = PooledByteBufAllocator.DEFAULT.directBuffer(request.length);
                in.writeBytes(request);
                ch.writeInbound(in);
                Object out;
                while ((out = ch.readOutbound()) != null) {
                    if (out instanceof ByteBuf b) {
                        bytesOut += b.readableBytes();
                    }
                    ReferenceCountUtil.release(out);
                }
            }
            final double ns = (threads.getCurrentThreadCpuTime() - cpu) / (double) REQUESTS;
            final double bytes = (threads.getCurrentThreadAllocatedBytes() - allocated) / (double) REQUESTS;
            System.out.printf(Locale.ROOT, "round %d: %.0f ns/request, %.0f B allocated/request%n", round, ns, bytes);
        }
        System.out.printf(Locale.ROOT, "response bytes: %d%n", bytesOut / (8L * REQUESTS));
        ch.finishAndReleaseAll();
    }
}
