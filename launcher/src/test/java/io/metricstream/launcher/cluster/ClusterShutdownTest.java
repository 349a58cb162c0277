package io.metricstream.launcher.cluster;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ClusterShutdownTest {
    @Test
    void shouldStopOnSigtermWhenTheProcessHonoursIt() throws Exception {
        final Process p = new ProcessBuilder("sleep", "30").start();
        assertTrue(ClusterShutdown.stop(p.toHandle(), Duration.ofSeconds(5)));
        assertFalse(p.isAlive());
    }

    @Test
    void shouldSigkillAfterGraceWhenTheProcessIgnoresSigterm() throws Exception {
        // sh ignores TERM and blocks reading its stdin pipe, which this test holds open.
        final Process p = new ProcessBuilder("sh", "-c", "trap '' TERM; echo trapped; read x").start();
        final byte[] first = p.getInputStream().readNBytes("trapped\n".length());
        assertTrue(new String(first, java.nio.charset.StandardCharsets.UTF_8).startsWith("trapped"));
        final long start = System.nanoTime();
        assertFalse(ClusterShutdown.stop(p.toHandle(), Duration.ofMillis(300)));
        assertFalse(p.isAlive());
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(300));
        assertTrue(p.waitFor() == 137 || p.waitFor() == 128 + 9, "killed by SIGKILL");
    }
}
