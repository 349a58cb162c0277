package io.metricstream.loadgen.drive;

import io.metricstream.contracts.client.ClientOptions;
import io.metricstream.contracts.client.ReconnectPolicy;
import io.metricstream.contracts.error.ContractException;
import io.metricstream.contracts.error.ErrorCode;
import io.metricstream.contracts.queue.QueueClient;
import io.netty.channel.EventLoopGroup;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Produces a request's record batches (one per partition) straight to the queue's binary API over one
 * {@link QueueClient} connection; the request completes when every partition acked (200) or with the first
 * failure's HTTP-equivalent status (NETWORK and TIMEOUT map to 0: outcome unknown).
 */
public final class QueueTransport implements Transport {
    private final QueueClient client;
    private final String topic;

    /** A transport producing to {@code target.uri()} (the topic) on {@code group}. */
    public QueueTransport(final EventLoopGroup group, final HttpTarget target, final long timeoutMs) {
        this.topic = target.uri();
        this.client = new QueueClient(target.host(), target.port(), new ClientOptions(2_000, (int) timeoutMs,
            ClientOptions.DEFAULT.maxFrameBytes(), ReconnectPolicy.DEFAULT), group);
    }

    /** The partition count of the topic, asked from the queue. */
    public static int partitions(final QueueClient client, final String topic) {
        return client.metadata(topic).join().get(0).partitions();
    }

    /** The underlying client. */
    public QueueClient client() {
        return client;
    }

    @Override
    public void send(final PreparedRequest request, final Completion completion) {
        final CompletableFuture<?>[] acks = new CompletableFuture<?>[request.batches.length];
        request.sentNanos = System.nanoTime();
        for (int i = 0; i < acks.length; i++) {
            final io.netty.buffer.ByteBuf batch = request.batches[i];
            acks[i] = client.produce(topic, request.partitions[i], batch).whenComplete((r, e) -> batch.release());
        }
        request.batches = null;
        CompletableFuture.allOf(acks).whenComplete((v, e) -> {
            final long end = System.nanoTime();
            if (e == null) {
                completion.done(200, end, null);
                return;
            }
            final Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof ContractException ce && ce.code() != ErrorCode.NETWORK
                && ce.code() != ErrorCode.TIMEOUT) {
                completion.done(ce.code().httpStatus(), end, ce.code().wireName() + ": " + ce.getMessage());
            } else {
                completion.done(0, end, String.valueOf(cause.getMessage()));
            }
        });
    }

    @Override
    public void close() {
        client.close();
    }
}
