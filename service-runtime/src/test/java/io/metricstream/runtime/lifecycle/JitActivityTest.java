package io.metricstream.runtime.lifecycle;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class JitActivityTest {
    @Test
    void shouldReadTheCompileQueueWhenHotSpot() {
        // -1 would mean the warm-up cannot see the queue and falls back to the JVM-wide compilation time
        final JitActivity jit = new JitActivity("io.metricstream.query.", "io.metricstream.contracts.");
        assertTrue(jit.measurable());
        assertTrue(jit.queued() >= 0, "queued " + jit.queued());
    }
}
