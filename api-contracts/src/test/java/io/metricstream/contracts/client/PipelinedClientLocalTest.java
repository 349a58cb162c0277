package io.metricstream.contracts.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.metricstream.contracts.queue.QueueClient;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every case of {@link PipelinedClientTest} over the in-JVM transport ({@code local:NAME} addresses). */
@Tag("integration")
@Timeout(60)
class PipelinedClientLocalTest extends PipelinedClientTest {
    @Override
    boolean local() {
        return true;
    }

    /**
     * In the JVM every request crosses the local channel as one buffer of whole frames: a large direct batch is
     * copied into its frame, not sent behind the head as a second message of the caller's buffer class (which reached
     * the server's LocalChannel.readInbound, and its merging of queued buffers, first under load: a class-check
     * deopt there). Over TCP the socket reads cut the stream anywhere; this is about local:.
     */
    @Test
    void shouldHandTheServerWholeFramesInTheJvm() throws Exception {
        final String address = start(null);
        try (QueueClient client = new QueueClient(address, patient(), null)) {
            final List<Long> expected = new ArrayList<>();
            final List<CompletableFuture<Long>> answers = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                final ByteBuf b = switch (i % 3) {
                    case 0 -> PooledByteBufAllocator.DEFAULT.directBuffer(8_000).writeZero(8_000);
                    case 1 -> Unpooled.directBuffer(9_000).writeZero(9_000).slice(100, 6_000);
                    default -> Unpooled.buffer(3_000).writeZero(3_000);
                };
                b.setInt(0, i);
                expected.add(digest(b, b.readerIndex(), b.readableBytes()));
                answers.add(client.produce("digest", 0, b));
                b.release();
                // an answer before the next request: each request is read on its own, not merged with the next
                assertEquals(expected.get(i), answers.get(i).get(15, TimeUnit.SECONDS), "batch " + i);
            }
            assertEquals(0, partial.get(), "messages read by the server ending inside a frame");
        }
    }
}
