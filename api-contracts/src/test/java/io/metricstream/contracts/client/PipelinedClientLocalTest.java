package io.metricstream.contracts.client;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;

/** Every case of {@link PipelinedClientTest} over the in-JVM transport ({@code local:NAME} addresses). */
@Tag("integration")
@Timeout(60)
class PipelinedClientLocalTest extends PipelinedClientTest {
    @Override
    boolean local() {
        return true;
    }
}
