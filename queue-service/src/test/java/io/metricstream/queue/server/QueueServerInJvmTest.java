package io.metricstream.queue.server;

import io.metricstream.contracts.client.ClientOptions;
import io.metricstream.contracts.queue.QueueClient;
import io.metricstream.runtime.lifecycle.EmbeddedHost;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;

/**
 * Every case of {@link QueueServerTest} over {@code local:queue}, the in-JVM transport, with the client on the host's
 * local loop as {@code up}'s ingestion and storage are: the same answers as over TCP.
 */
@Tag("integration")
@Timeout(60)
class QueueServerInJvmTest extends QueueServerTest {
    @Override
    QueueClient connect(final EmbeddedHost embedded) {
        final String address = "local:queue";
        return new QueueClient(address, ClientOptions.DEFAULT, embedded.host("queue").clientGroup(address));
    }

    @Override
    String address(final EmbeddedHost embedded) {
        return "local:queue";
    }
}
